package io.boxscope.bpf.link;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Minimal private ELF64 reader for uprobes: a function symbol (.symtab, else .dynsym) → file offset,
 * via the PT_LOAD segment that maps it (man 5 elf). Only what attaching needs; the full ELF reader is
 * {@code io.boxscope.bpf.elf}, built separately — switch to it once it lands.
 */
final class ElfSymbols {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private ElfSymbols() {}

    /** File offset of function {@code symbol} in {@code file}; throws naming what is missing. */
    static long fileOffset(Path file, String symbol) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena a = Arena.ofConfined()) {
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), a);
            if (m.byteSize() < 64 || m.get(U32, 0) != 0x464c457f) {
                throw new IOException(file + " is not an ELF file");
            }
            if (m.get(ValueLayout.JAVA_BYTE, 4) != 2 || m.get(ValueLayout.JAVA_BYTE, 5) != 1) {
                throw new IOException(file + " is not a 64-bit little-endian ELF file");
            }
            long value = find(m, symbol, 2 /* SHT_SYMTAB */);
            if (value == 0) {
                value = find(m, symbol, 11 /* SHT_DYNSYM */);
            }
            if (value == 0) {
                throw new IOException("no function symbol '" + symbol + "' in " + file + " (.symtab/.dynsym)");
            }
            long phoff = m.get(U64, 32);
            int phentsize = m.get(U16, 54) & 0xffff;
            int phnum = m.get(U16, 56) & 0xffff;
            for (int i = 0; i < phnum; i++) {
                long ph = phoff + (long) i * phentsize;
                if (m.get(U32, ph) != 1 /* PT_LOAD */) {
                    continue;
                }
                long off = m.get(U64, ph + 8);
                long vaddr = m.get(U64, ph + 16);
                long memsz = m.get(U64, ph + 40);
                if (value >= vaddr && value < vaddr + memsz) {
                    return value - vaddr + off;
                }
            }
            throw new IOException("symbol '" + symbol + "' in " + file + " is in no loadable segment");
        }
    }

    private static long find(MemorySegment m, String symbol, int type) {
        long shoff = m.get(U64, 40);
        int shentsize = m.get(U16, 58) & 0xffff;
        int shnum = m.get(U16, 60) & 0xffff;
        byte[] want = symbol.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < shnum; i++) {
            long sh = shoff + (long) i * shentsize;
            if (m.get(U32, sh + 4) != type) {
                continue;
            }
            long off = m.get(U64, sh + 24);
            long size = m.get(U64, sh + 32);
            long entsize = Math.max(24, m.get(U64, sh + 56));
            long strSh = shoff + (long) m.get(U32, sh + 40) * shentsize;
            long strOff = m.get(U64, strSh + 24);
            for (long s = off; s + 24 <= off + size; s += entsize) {
                int info = m.get(ValueLayout.JAVA_BYTE, s + 4) & 0xf;
                long v = m.get(U64, s + 8);
                if (info != 2 /* FUNC; not GNU_IFUNC, whose address is the resolver */ || v == 0) {
                    continue;
                }
                if (nameEquals(m, strOff + (m.get(U32, s) & 0xffffffffL), want)) {
                    return v;
                }
            }
        }
        return 0;
    }

    private static boolean nameEquals(MemorySegment m, long at, byte[] want) {
        if (at + want.length >= m.byteSize()) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (m.get(ValueLayout.JAVA_BYTE, at + i) != want[i]) {
                return false;
            }
        }
        return m.get(ValueLayout.JAVA_BYTE, at + want.length) == 0;
    }
}
