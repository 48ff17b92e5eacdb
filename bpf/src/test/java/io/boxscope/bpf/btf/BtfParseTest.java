package io.boxscope.bpf.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-built BTF blobs: every kind decodes, and broken input fails with a message instead of garbage. */
class BtfParseTest {
    /** Minimal BTF writer: types are int words appended in order; strings deduplicated by hand. */
    static final class Builder {
        final ByteArrayOutputStream strings = new ByteArrayOutputStream();
        final ByteBuffer types = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;

        Builder() {
            strings.write(0);
        }

        int str(String s) {
            int off = strings.size();
            strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            strings.write(0);
            return off;
        }

        Builder type(int nameOff, BtfKind kind, int vlen, boolean kflag, int sizeOrType, int... extra) {
            types.putInt(nameOff).putInt((kflag ? 1 << 31 : 0) | kind.code() << 24 | vlen).putInt(sizeOrType);
            for (int e : extra) {
                types.putInt(e);
            }
            return this;
        }

        byte[] bytes() {
            byte[] s = strings.toByteArray();
            int tl = types.position();
            ByteBuffer b = ByteBuffer.allocate(24 + tl + s.length).order(order);
            b.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(tl).putInt(tl).putInt(s.length);
            ByteBuffer t = types.duplicate().flip().order(ByteOrder.LITTLE_ENDIAN);
            while (t.hasRemaining()) {
                b.putInt(t.getInt());
            }
            b.put(s);
            return b.array();
        }
    }

    static Builder sample() {
        Builder b = new Builder();
        int intName = b.str("int");
        int s = b.str("outer");
        int a = b.str("a");
        int x = b.str("x");
        int flags = b.str("flags");
        int e = b.str("e");
        int v = b.str("V");
        b.type(intName, BtfKind.INT, 0, false, 4, (1 << 24) | 32);              // 1 int
        b.type(0, BtfKind.STRUCT, 2, false, 8, x, 1, 0, flags, 1, 32);           // 2 anon { int x; int flags; }
        b.type(s, BtfKind.STRUCT, 3, true, 16, a, 1, 0, 0, 2, 32, flags + 0, 1, (3 << 24) | 96); // 3 outer
        b.type(0, BtfKind.PTR, 0, false, 3);                                    // 4 outer *
        b.type(0, BtfKind.FUNC_PROTO, 2, false, 1, 0, 4, 0, 0);                 // 5 int (outer *, ...)
        b.type(b.str("fn"), BtfKind.FUNC, 1, false, 5);                         // 6 global fn
        b.type(e, BtfKind.ENUM64, 1, true, 8, v, 0xffffffff, 0xffffffff);      // 7 enum64 e { V = -1 }
        b.type(b.str("btf_trace_thing"), BtfKind.TYPEDEF, 0, false, 4 + 5);     // 8 typedef -> 9
        b.type(0, BtfKind.PTR, 0, false, 5);                                    // 9 ptr to proto
        b.type(b.str("tag"), BtfKind.DECL_TAG, 0, false, 6, -1);               // 10
        b.type(b.str("user"), BtfKind.TYPE_TAG, 0, false, 1);                   // 11
        b.type(0, BtfKind.ARRAY, 0, false, 0, 1, 1, 16);                        // 12 int[16]
        return b;
    }

    @Test
    void decodesEveryKindAndResolvesPaths() throws Exception {
        Btf btf = Btf.parse(sample().bytes());
        assertEquals(13, btf.typeCount());
        MemberLocation flagsDirect = btf.member("outer.flags");
        assertEquals(96, flagsDirect.bitOffset());
        assertEquals(3, flagsDirect.bitfieldSize());
        MemberLocation x = btf.member("outer.x");
        assertEquals(32, x.bitOffset(), "x found through the anonymous struct at bit 32");
        assertEquals("int", btf.typeName(x.typeId()));
        assertEquals("struct outer *", btf.typeName(4));
        assertEquals("int (struct outer *, ...)", btf.typeName(5));
        assertEquals("int[16]", btf.typeName(12));
        assertEquals(64, btf.sizeOf(12));
        BtfType.Enum en = (BtfType.Enum) btf.type(7);
        assertEquals(-1L, en.values().getFirst().value());
        assertEquals(BtfType.Linkage.GLOBAL, ((BtfType.Func) btf.type(6)).linkage());
        assertEquals(-1, ((BtfType.DeclTag) btf.type(10)).componentIndex());
        FuncSignature sig = btf.rawTracepointSignature("thing");
        assertTrue(sig.variadic());
        assertEquals(List.of(), sig.params(), "the leading context pointer is dropped");
        assertEquals(List.of("thing"), btf.rawTracepoints());
        assertEquals(8, btf.rawTracepointTypeId("thing").orElseThrow());
    }

    @Test
    void bigEndianBtfIsDetected() throws Exception {
        Builder b = new Builder();
        b.str("int");
        b.order = ByteOrder.BIG_ENDIAN;
        byte[] be = b.bytes(); // header and strings only: no types
        Btf btf = Btf.parse(be);
        assertEquals(1, btf.typeCount());
    }

    @Test
    void memberErrorsSayWhatIsMissing() throws Exception {
        Btf btf = Btf.parse(sample().bytes());
        assertTrue(assertThrows(BtfException.class, () -> btf.member("outer.nope")).getMessage().contains("no member 'nope'"));
        assertTrue(assertThrows(BtfException.class, () -> btf.member("nosuch.x")).getMessage().contains("no struct"));
        assertTrue(assertThrows(BtfException.class, () -> btf.member("outer.a.b")).getMessage().contains("not a struct"));
        assertThrows(BtfException.class, () -> btf.member("outer"));
        assertThrows(BtfException.class, () -> btf.type(99));
    }

    @Test
    void hostileBlobsAreRejected() throws Exception {
        byte[] good = sample().bytes();
        assertThrows(BtfException.class, () -> Btf.parse(new byte[10]));
        byte[] magic = good.clone();
        magic[0] = 0;
        assertTrue(assertThrows(BtfException.class, () -> Btf.parse(magic)).getMessage().contains("magic"));
        assertTrue(assertThrows(BtfException.class, () -> Btf.parse(Arrays.copyOf(good, good.length - 20)))
                .getMessage().contains("truncated"));
        byte[] kind = good.clone();
        kind[24 + 7] = 31; // info's top byte of type 1: kind 31
        assertTrue(assertThrows(BtfException.class, () -> Btf.parse(kind)).getMessage().contains("unknown BTF kind"));
        byte[] name = good.clone();
        ByteBuffer.wrap(name).order(ByteOrder.LITTLE_ENDIAN).putInt(24, 1 << 30); // type 1's name offset
        Btf btf = Btf.parse(name);
        assertTrue(assertThrows(BtfException.class, () -> btf.name(1)).getMessage().contains("outside"));
        byte[] vlen = good.clone();
        ByteBuffer.wrap(vlen).order(ByteOrder.LITTLE_ENDIAN).putShort(24 + 16 + 4, (short) 0xffff); // type 2 (after the 16-byte INT) vlen
        assertThrows(BtfException.class, () -> Btf.parse(vlen));
    }

    /** The parse loop sizes records by kind code; the sizes are btf.rst section 2.2's, written out here. */
    @Test
    void recordSizesByKindAreThoseOfTheBtfDocumentation() {
        int vlen = 3;
        java.util.Map<BtfKind, Integer> doc = new java.util.EnumMap<>(BtfKind.class);
        doc.put(BtfKind.INT, 4);
        doc.put(BtfKind.PTR, 0);
        doc.put(BtfKind.ARRAY, 12);
        doc.put(BtfKind.STRUCT, 36);
        doc.put(BtfKind.UNION, 36);
        doc.put(BtfKind.ENUM, 24);
        doc.put(BtfKind.FWD, 0);
        doc.put(BtfKind.TYPEDEF, 0);
        doc.put(BtfKind.VOLATILE, 0);
        doc.put(BtfKind.CONST, 0);
        doc.put(BtfKind.RESTRICT, 0);
        doc.put(BtfKind.FUNC, 0);
        doc.put(BtfKind.FUNC_PROTO, 24);
        doc.put(BtfKind.VAR, 4);
        doc.put(BtfKind.DATASEC, 36);
        doc.put(BtfKind.FLOAT, 0);
        doc.put(BtfKind.DECL_TAG, 4);
        doc.put(BtfKind.TYPE_TAG, 0);
        doc.put(BtfKind.ENUM64, 36);
        for (BtfKind k : BtfKind.values()) {
            if (k != BtfKind.VOID) {
                assertEquals(doc.get(k), Btf.extra(k.code(), vlen), k.name());
            }
        }
        assertEquals(-1, Btf.extra(0, vlen), "code 0 has no record");
        assertEquals(-1, Btf.extra(20, vlen), "a kind newer than this code");
    }

    /** A big-endian blob parses to the same types as its little-endian twin (the parse loop reads both orders). */
    @Test
    void bigEndianParsesLikeLittleEndian() throws Exception {
        Builder le = sample();
        Builder be = sample();
        be.order = ByteOrder.BIG_ENDIAN;
        Btf l = Btf.parse(le.bytes());
        Btf b = Btf.parse(be.bytes());
        assertEquals(l.typeCount(), b.typeCount());
        for (int id = 0; id < l.typeCount(); id++) {
            assertEquals(l.type(id), b.type(id), "type " + id);
        }
        assertEquals(l.findId("outer", BtfKind.STRUCT), b.findId("outer", BtfKind.STRUCT));
    }

    /**
     * An s390x kernel's BTF is big-endian (the kernel writes it in host order); a copy cut anywhere fails with
     * a message saying it is short or truncated, never an index error, and so does every read of what parsed.
     */
    @Test
    void truncatedBigEndianSaysSo() {
        Builder be = sample();
        be.order = ByteOrder.BIG_ENDIAN;
        byte[] all = be.bytes();
        assertEquals((byte) 0xeb, all[0], "the magic's high byte first");
        for (int len = 0; len < all.length; len++) {
            byte[] cut = Arrays.copyOf(all, len);
            BtfException e = assertThrows(BtfException.class, () -> Btf.parse(cut), "cut at " + len);
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("shorter than the 24-byte header"),
                    "cut at " + len + ": " + e.getMessage());
        }
    }
}
