package io.boxscope.bpf.elf;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Broken ELF files fail with a message naming the file and the problem, never with an index error. */
class ElfHostileTest {
    static byte[] libc() throws Exception {
        return Files.readAllBytes(ElfLibcTest.LIBC);
    }

    @Test
    void notElfOr32BitOrUnknownEncoding() throws Exception {
        assertTrue(assertThrows(ElfException.class, () -> ElfFile.parse("x", ByteBuffer.wrap(new byte[100])))
                .getMessage().contains("not an ELF file"));
        byte[] b = Arrays.copyOf(libc(), 4096);
        b[4] = 1;
        assertTrue(assertThrows(ElfException.class, () -> ElfFile.parse("x", ByteBuffer.wrap(b))).getMessage().contains("32-bit"));
        byte[] c = Arrays.copyOf(libc(), 4096);
        c[5] = 3; // e_ident[EI_DATA]: only 1 (LSB) and 2 (MSB) are defined
        assertTrue(assertThrows(ElfException.class, () -> ElfFile.parse("x", ByteBuffer.wrap(c))).getMessage()
                .contains("unknown ELF data encoding 3"));
    }

    @Test
    void truncatedFilesSayTruncated() throws Exception {
        byte[] all = libc();
        for (int len : new int[] {64, 4096, all.length / 2, all.length - 100}) {
            byte[] t = Arrays.copyOf(all, len);
            ElfException e = assertThrows(ElfException.class, () -> ElfFile.parse("cut", ByteBuffer.wrap(t)).symbols());
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("outside"), e.getMessage());
        }
    }

    @Test
    void missingSymbolNamesTheListCommand() throws Exception {
        ElfFile libc = ElfFile.read(ElfLibcTest.LIBC);
        ElfException e = assertThrows(ElfException.class, () -> libc.fileOffset("no_such_function_boxscope"));
        assertTrue(e.getMessage().contains("probe -l"), e.getMessage());
        assertThrows(ElfException.class, () -> libc.fileOffsetOf(0x7fff_0000_0000L));
    }

    @Test
    void corruptSectionHeaderEntrySize(/* e_shentsize */) throws Exception {
        byte[] b = libc();
        ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort(58, (short) 40);
        assertThrows(ElfException.class, () -> ElfFile.parse("x", ByteBuffer.wrap(b)));
    }

    @Test
    void readingADirectoryFails() {
        assertThrows(java.io.IOException.class, () -> ElfFile.read(Path.of("/")));
    }
}
