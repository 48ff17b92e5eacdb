package io.boxscope.bpf.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * s390x binaries are big-endian ELF (ELFDATA2MSB). The same file laid out in both orders by the test-side
 * {@link TinyElf} reads to the same sections, symbols, versions, notes and uprobe offsets, and those are the
 * values the writer put there (not the reader's own output). Only x86_64 runs these tests; no s390x binary
 * has been read by a test.
 */
class ElfByteOrderTest {
    private static ElfFile parse(ByteOrder order) throws ElfException {
        return ElfFile.parse(order.toString(), ByteBuffer.wrap(TinyElf.build(order)));
    }

    @Test
    void theTwoOrdersAreDifferentBytes() {
        byte[] le = TinyElf.build(ByteOrder.LITTLE_ENDIAN);
        byte[] be = TinyElf.build(ByteOrder.BIG_ENDIAN);
        assertEquals(le.length, be.length);
        assertNotEquals(Arrays.hashCode(le), Arrays.hashCode(be), "the writer honours the order");
        assertEquals(2, be[5], "e_ident[EI_DATA] = ELFDATA2MSB");
        assertEquals(0, be[16], "e_type's high byte comes first in big-endian");
    }

    @Test
    void bigEndianReadsTheValuesTheWriterPut() throws Exception {
        ElfFile be = parse(ByteOrder.BIG_ENDIAN);
        assertEquals(ByteOrder.BIG_ENDIAN, be.byteOrder());
        assertEquals(2, be.type());
        assertEquals(62, be.machine());
        assertEquals(TinyElf.MAIN, be.entry());
        assertEquals(13, be.sections().size());
        assertEquals(".text", be.sections().get(1).name());
        assertEquals(TinyElf.BASE + TinyElf.TEXT, be.sections().get(1).addr());
        assertEquals(1, be.segments().size());
        assertTrue(be.segments().getFirst().isLoad());
        assertTrue(be.hasSymtab());

        List<String> names = be.symbols().stream().map(s -> s.table() + ":" + s.displayName()).toList();
        assertEquals(List.of("SYMTAB:helper", "SYMTAB:main", "SYMTAB:counter", "DYNSYM:main", "DYNSYM:malloc@GLIBC_2.2.5"),
                names);
        ElfSymbol helper = be.symbols().getFirst();
        assertEquals(TinyElf.HELPER, helper.value());
        assertEquals(8, helper.size());
        assertEquals(ElfSymbol.Bind.LOCAL, helper.bind());
        assertEquals(ElfSymbol.Type.FUNC, helper.type());
        assertEquals(ElfSymbol.SHN_UNDEF, be.symbols().getLast().sectionIndex());

        assertEquals(TinyElf.TEXT + 0x10, be.fileOffset("main"), "uprobe offset = vaddr - p_vaddr + p_offset");
        assertEquals(TinyElf.TEXT + 0x40, be.fileOffset("helper"));
        assertEquals(Optional.of(HexFormat.of().formatHex(TinyElf.BUILD_ID)), be.buildId());
        assertEquals(Optional.of(new ElfFile.DebugLink("main.debug", TinyElf.DEBUGLINK_CRC)), be.debugLink());

        List<UsdtNote> usdt = UsdtNote.of(be);
        assertEquals(List.of(new UsdtNote("prov", "name", TinyElf.USDT_PC, TinyElf.SEMAPHORE, "-4@%edi 8@%rsi")), usdt);
    }

    @Test
    void bigEndianParsesLikeItsLittleEndianTwin() throws Exception {
        ElfFile le = parse(ByteOrder.LITTLE_ENDIAN);
        ElfFile be = parse(ByteOrder.BIG_ENDIAN);
        assertEquals(ByteOrder.LITTLE_ENDIAN, le.byteOrder());
        assertEquals(le.sections(), be.sections());
        assertEquals(le.segments(), be.segments());
        assertEquals(le.symbols(), be.symbols());
        assertEquals(le.functions(), be.functions());
        assertEquals(le.buildId(), be.buildId());
        assertEquals(le.debugLink(), be.debugLink());
        assertEquals(UsdtNote.of(le), UsdtNote.of(be));
        assertEquals(le.fileOffset("main"), be.fileOffset("main"));
    }

    /** A big-endian file cut anywhere fails with an ElfException that says what is wrong, never an index error. */
    @Test
    void truncatedBigEndianSaysTruncated() {
        byte[] be = TinyElf.build(ByteOrder.BIG_ENDIAN);
        for (int len = 0; len < be.length; len += 7) {
            byte[] cut = Arrays.copyOf(be, len);
            ElfException e = assertThrows(ElfException.class, () -> {
                ElfFile f = ElfFile.parse("cut.s390x", ByteBuffer.wrap(cut));
                f.symbols();
                UsdtNote.of(f);
                f.buildId();
                f.debugLink();
            }, "cut at " + len);
            String m = e.getMessage();
            assertTrue(m.startsWith("cut.s390x"), m);
            assertTrue(m.contains("truncated") || m.contains("outside") || m.contains("not an ELF file")
                    || m.contains("runs past"), "cut at " + len + ": " + m);
        }
    }

    /** A little-endian reading of a big-endian header is what the old reader would have done: counts go wild. */
    @Test
    void theOrderByteDecides() {
        byte[] be = TinyElf.build(ByteOrder.BIG_ENDIAN);
        be[5] = 1; // claim LSB
        assertThrows(ElfException.class, () -> ElfFile.parse("liar", ByteBuffer.wrap(be)).symbols());
    }
}
