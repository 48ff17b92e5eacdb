package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import io.boxscope.probe.lang.sema.FieldAccess;
import io.boxscope.probe.lang.sema.SType;
import io.boxscope.probe.output.Value;
import org.junit.jupiter.api.Test;

/** Struct values as user space decodes them: bit-fields shifted and masked, arrays of structs at their C stride. */
class StructValueDecodeTest {
    private final ValueDecoder decoder = new ValueDecoder(List.of(), List.of(), null);

    @Test
    void bitFieldsAreShiftedMaskedAndSignExtended() {
        // struct { unsigned int a:1, b:3; int c:4; unsigned short d:9; } bytes: a=1, b=5, c=-3 (0b1101), d=300 at bit 16
        int word = 1 | (5 << 1) | (0b1101 << 4) | (300 << 16);
        byte[] b = {(byte) word, (byte) (word >>> 8), (byte) (word >>> 16), (byte) (word >>> 24)};
        SType.Int u32 = new SType.Int(4, false), i32 = new SType.Int(4, true), u16 = new SType.Int(2, false);
        SType.Record r = new SType.Record("struct s", 4, 1, List.of(
                new SType.RecordField("a", u32, 0, FieldAccess.Layout.BITFIELD, 0, 1),
                new SType.RecordField("b", u32, 0, FieldAccess.Layout.BITFIELD, 1, 3),
                new SType.RecordField("c", i32, 0, FieldAccess.Layout.BITFIELD, 4, 4),
                new SType.RecordField("d", u16, 2, FieldAccess.Layout.BITFIELD, 0, 9)));
        Value.Record v = (Value.Record) decoder.decode(r, b, 0, false);
        assertEquals(List.of(new Value.Field("a", new Value.Int(1, 32, false)), new Value.Field("b", new Value.Int(5, 32, false)),
                new Value.Field("c", new Value.Int(-3, 32, true)), new Value.Field("d", new Value.Int(300, 16, false))), v.fields());
    }

    @Test
    void aBitFieldIsNeverReadPastItsStruct() {
        // the last byte of a 1-byte struct: the byte after it (0xff) belongs to something else
        byte[] b = {(byte) 0b1000_0000, (byte) 0xff};
        SType.Record r = new SType.Record("struct s", 1, 1, List.of(
                new SType.RecordField("top", new SType.Int(1, false), 0, FieldAccess.Layout.BITFIELD, 7, 1)));
        assertEquals(new Value.Int(1, 8, false), ((Value.Record) decoder.decode(r, b, 0, false)).fields().getFirst().value());
        assertEquals(0b1L, ValueDecoder.bitfield(b, 0, 7, 8, false, 1)); // 8 bits asked, only 1 byte in the struct
    }

    @Test
    void arraysOfStructsUseTheStructSizeAsStride() {
        // struct p { u8 x; u16 y; } (size 4, y at 2) p[2]
        SType.Record p = new SType.Record("struct p", 4, 1, List.of(
                new SType.RecordField("x", new SType.Int(1, false), 0, FieldAccess.Layout.PLAIN),
                new SType.RecordField("y", new SType.Int(2, false), 2, FieldAccess.Layout.PLAIN)));
        byte[] b = {7, 0, 2, 1, 9, 0, 3, 0};
        Value.Array v = (Value.Array) decoder.decode(new SType.Array(p, 2), b, 0, false);
        assertEquals(new Value.Array(List.of(
                new Value.Record(List.of(new Value.Field("x", new Value.Int(7, 8, false)), new Value.Field("y", new Value.Int(0x102, 16, false)))),
                new Value.Record(List.of(new Value.Field("x", new Value.Int(9, 8, false)), new Value.Field("y", new Value.Int(3, 16, false)))))), v);
    }
}
