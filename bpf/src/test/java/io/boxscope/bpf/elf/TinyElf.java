package io.boxscope.bpf.elf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test-side ELF writer, independent of {@link ElfFile}: lays out by hand, in either byte order, a 64-bit
 * executable with one PT_LOAD segment and the sections a uprobe and USDT need (.text, .dynsym with a GNU
 * version need, .symtab, a build id, a stapsdt note, .stapsdt.base and .gnu_debuglink). Field offsets are
 * elf(5)'s Elf64_Ehdr/Phdr/Shdr/Sym/Nhdr and the LSB's Elf64_Verneed/Vernaux, written out here; the output
 * was checked once with binutils ({@code readelf -a} on both orders lists the same symbols and notes).
 */
final class TinyElf {
    static final long BASE = 0x400000;
    /** File offset of .text; its address is BASE + TEXT. */
    static final int TEXT = 0x200;
    static final long MAIN = BASE + TEXT + 0x10;
    static final long HELPER = BASE + TEXT + 0x40;
    static final long USDT_PC = BASE + TEXT + 0x44;
    static final long SEMAPHORE = 0x601000;
    static final int DEBUGLINK_CRC = 0xdeadbeef;
    static final byte[] BUILD_ID = {0x12, 0x34, 0x56, 0x78, (byte) 0x9a, (byte) 0xbc, (byte) 0xde, (byte) 0xf0};

    private final ByteOrder order;
    private final ByteBuffer out = ByteBuffer.allocate(8192);
    private final List<long[]> shdrs = new ArrayList<>();
    private final Strings shstr = new Strings();

    private TinyElf(ByteOrder order) {
        this.order = order;
        out.order(order);
    }

    /** The whole file in {@code order}. */
    static byte[] build(ByteOrder order) {
        return new TinyElf(order).write();
    }

    /** A NUL-separated string table; {@link #add} returns the offset. */
    private static final class Strings {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Strings() {
            b.write(0);
        }

        int add(String s) {
            int off = b.size();
            b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            b.write(0);
            return off;
        }
    }

    private void align(int n) {
        while (out.position() % n != 0) {
            out.put((byte) 0);
        }
    }

    /** Adds a section header row (sh_addralign 4 for notes, as gABI notes are 4-byte aligned; else 8). */
    private void section(String name, int type, long flags, long addr, long offset, long size, int link, int info,
            long entsize) {
        shdrs.add(new long[] {shstr.add(name), type, flags, addr, offset, size, link, info, type == 7 ? 4 : 8, entsize});
    }

    /** Elf64_Sym: st_name u32, st_info u8, st_other u8, st_shndx u16, st_value u64, st_size u64. */
    private void sym(int name, int type, int bind, int shndx, long value, long size) {
        out.putInt(name).put((byte) (bind << 4 | type)).put((byte) 0).putShort((short) shndx).putLong(value).putLong(size);
    }

    /** Elf64_Nhdr (namesz, descsz, type, all u32) then name and descriptor, each padded to 4 bytes. */
    private void note(String name, int type, byte[] desc) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        out.putInt(n.length).putInt(desc.length).putInt(type).put(n);
        align(4);
        out.put(desc);
        align(4);
    }

    private byte[] write() {
        out.position(TEXT);
        byte[] code = new byte[0x80];
        java.util.Arrays.fill(code, (byte) 0x90);
        out.put(code);
        section(".text", 1, 6, BASE + TEXT, TEXT, code.length, 0, 0, 0);

        Strings dynstr = new Strings();
        int dMain = dynstr.add("main");
        int dMalloc = dynstr.add("malloc");
        int dLibc = dynstr.add("libc.so.6");
        int dGlibc = dynstr.add("GLIBC_2.2.5");
        align(8);
        int at = out.position();
        out.put(dynstr.b.toByteArray());
        section(".dynstr", 3, 2, BASE + at, at, out.position() - at, 0, 0, 0);   // 2

        align(8);
        at = out.position();
        sym(0, 0, 0, 0, 0, 0);
        sym(dMain, 2, 1, 1, MAIN, 0x20);          // FUNC GLOBAL in .text
        sym(dMalloc, 2, 1, 0, 0, 0);             // FUNC GLOBAL undefined, needs GLIBC_2.2.5
        section(".dynsym", 11, 2, BASE + at, at, 72, 2, 1, 24);                    // 3

        align(8);
        at = out.position();
        out.putShort((short) 0).putShort((short) 1).putShort((short) 2);
        section(".gnu.version", 0x6fffffff, 2, BASE + at, at, 6, 3, 0, 2);          // 4

        align(8);
        at = out.position();
        // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32
        out.putShort((short) 1).putShort((short) 1).putInt(dLibc).putInt(16).putInt(0);
        // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32
        out.putInt(0x09691a75).putShort((short) 0).putShort((short) 2).putInt(dGlibc).putInt(0);
        section(".gnu.version_r", 0x6ffffffe, 2, BASE + at, at, 32, 2, 1, 0);      // 5

        Strings strtab = new Strings();
        int sMain = strtab.add("main");
        int sHelper = strtab.add("helper");
        int sCounter = strtab.add("counter");
        align(8);
        at = out.position();
        sym(0, 0, 0, 0, 0, 0);
        sym(sHelper, 2, 0, 1, HELPER, 8);        // FUNC LOCAL
        sym(sMain, 2, 1, 1, MAIN, 0x20);          // FUNC GLOBAL
        sym(sCounter, 1, 1, 1, SEMAPHORE, 2);     // OBJECT GLOBAL
        section(".symtab", 2, 0, 0, at, 96, 7, 2, 24);                              // 6
        at = out.position();
        out.put(strtab.b.toByteArray());
        section(".strtab", 3, 0, 0, at, out.position() - at, 0, 0, 0);              // 7

        align(8);
        at = out.position();
        note("GNU", 3, BUILD_ID);
        section(".note.gnu.build-id", 7, 2, BASE + at, at, out.position() - at, 0, 0, 0); // 8

        align(8);
        at = out.position();
        long base = BASE + TEXT + 0x7f;
        ByteBuffer d = ByteBuffer.allocate(64).order(order);
        d.putLong(USDT_PC).putLong(base).putLong(SEMAPHORE).put("prov\0name\0-4@%edi 8@%rsi\0".getBytes(StandardCharsets.UTF_8));
        note("stapsdt", 3, java.util.Arrays.copyOf(d.array(), d.position()));
        section(".note.stapsdt", 7, 0, 0, at, out.position() - at, 0, 0, 0);        // 9
        section(".stapsdt.base", 1, 2, base, TEXT + 0x7f, 1, 0, 0, 0);               // 10

        align(8);
        at = out.position();
        out.put("main.debug\0".getBytes(StandardCharsets.UTF_8));
        align(4);
        out.putInt(DEBUGLINK_CRC);
        section(".gnu_debuglink", 1, 0, 0, at, out.position() - at, 0, 0, 0);       // 11

        int shstrName = shstr.add(".shstrtab");
        at = out.position();
        out.put(shstr.b.toByteArray());
        shdrs.add(new long[] {shstrName, 3, 0, 0, at, out.position() - at, 0, 0, 1, 0}); // 12

        align(8);
        int shoff = out.position();
        out.put(new byte[64]); // section 0, SHT_NULL
        for (long[] s : shdrs) {
            out.putInt((int) s[0]).putInt((int) s[1]).putLong(s[2]).putLong(s[3]).putLong(s[4]).putLong(s[5])
                    .putInt((int) s[6]).putInt((int) s[7]).putLong(s[8]).putLong(s[9]);
        }
        int end = out.position();

        // Elf64_Ehdr
        out.position(0);
        out.put(new byte[] {0x7f, 'E', 'L', 'F', 2, (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2), 1, 0});
        out.put(new byte[8]);
        out.putShort((short) 2).putShort((short) 62).putInt(1).putLong(MAIN).putLong(64).putLong(shoff).putInt(0)
                .putShort((short) 64).putShort((short) 56).putShort((short) 1).putShort((short) 64)
                .putShort((short) (shdrs.size() + 1)).putShort((short) shdrs.size());
        // Elf64_Phdr: one PT_LOAD, R+X, the whole file at BASE
        out.putInt(1).putInt(5).putLong(0).putLong(BASE).putLong(BASE).putLong(end).putLong(end).putLong(0x1000);
        return java.util.Arrays.copyOf(out.array(), end);
    }
}
