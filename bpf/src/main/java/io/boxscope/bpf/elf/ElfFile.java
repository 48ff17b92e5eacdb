package io.boxscope.bpf.elf;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A 64-bit ELF file of either byte order (elf(5); the System V gABI): section headers, program headers, the
 * {@code .symtab} and {@code .dynsym} symbol tables with GNU symbol versions, the build id and debug link.
 * Every multi-byte field is read in the order {@code e_ident[EI_DATA]} names: ELFDATA2LSB (1) on x86_64,
 * aarch64, riscv64, loongarch64 and ppc64le, ELFDATA2MSB (2) on s390x; notes' headers and descriptors too
 * (the gABI's "Note Section": words in the file's order), so {@link #byteOrder()} is what a note's reader uses.
 * Enough to place a uprobe: {@link #fileOffset(String)} turns a symbol into the file offset that
 * perf_event_open's uprobe PMU wants. Every read is bounds-checked: a truncated or hostile file gives an
 * {@link ElfException}, never an index error.
 */
public final class ElfFile {
    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int PHDR_SIZE = 56;
    private static final int SYM_SIZE = 24;
    private static final int NT_GNU_BUILD_ID = 3;

    private static final int ELFDATA2LSB = 1;
    private static final int ELFDATA2MSB = 2;

    private final String origin;
    private final ByteBuffer buf;
    private final int type;
    private final int machine;
    private final long entry;
    private final List<ElfSection> sections;
    private final List<ElfSegment> segments;

    private ElfFile(String origin, ByteBuffer buf) throws ElfException {
        this.origin = origin;
        if (buf.limit() < EHDR_SIZE || buf.get(0) != 0x7f || buf.get(1) != 'E' || buf.get(2) != 'L' || buf.get(3) != 'F') {
            throw new ElfException(origin + " is not an ELF file (no \\x7fELF magic, or shorter than the "
                    + EHDR_SIZE + "-byte ELF header)");
        }
        if (buf.get(4) != 2) {
            throw new ElfException(origin + " is a 32-bit ELF file; only 64-bit ELF is supported");
        }
        this.buf = switch (buf.get(5)) {
            case ELFDATA2LSB -> buf.order(ByteOrder.LITTLE_ENDIAN);
            case ELFDATA2MSB -> buf.order(ByteOrder.BIG_ENDIAN);
            default -> throw new ElfException(origin + ": unknown ELF data encoding " + buf.get(5)
                    + " (e_ident[EI_DATA] must be 1, little-endian, or 2, big-endian); the file is damaged");
        };
        type = u16(16);
        machine = u16(18);
        entry = buf.getLong(24);
        long phoff = buf.getLong(32);
        long shoff = buf.getLong(40);
        int phentsize = u16(54);
        int phnum = u16(56);
        int shentsize = u16(58);
        long shnum = u16(60);
        int shstrndx = u16(62);
        if (shoff != 0 && shentsize != SHDR_SIZE) {
            throw new ElfException(origin + ": section header size " + shentsize + ", expected " + SHDR_SIZE);
        }
        if (phoff != 0 && phnum > 0 && phentsize != PHDR_SIZE) {
            throw new ElfException(origin + ": program header size " + phentsize + ", expected " + PHDR_SIZE);
        }
        // Extended numbering (elf(5)): counts too big for the header live in section header 0.
        if (shoff != 0 && shnum == 0) {
            shnum = buf.getLong(check(shoff, SHDR_SIZE) + 32);
        }
        if (shoff != 0 && shstrndx == 0xffff) {
            shstrndx = buf.getInt(check(shoff, SHDR_SIZE) + 40);
        }
        if (phnum == 0xffff && shoff != 0) {
            phnum = buf.getInt(check(shoff, SHDR_SIZE) + 44);
        }
        List<ElfSegment> segs = new ArrayList<>();
        for (int i = 0; i < phnum && phoff != 0; i++) {
            int p = check(phoff + (long) i * PHDR_SIZE, PHDR_SIZE);
            segs.add(new ElfSegment(buf.getInt(p), buf.getInt(p + 4), buf.getLong(p + 8), buf.getLong(p + 16),
                    buf.getLong(p + 24), buf.getLong(p + 32), buf.getLong(p + 40), buf.getLong(p + 48)));
        }
        segments = List.copyOf(segs);
        if (shnum < 0 || shnum > 65536 * 16) {
            throw new ElfException(origin + ": implausible section count " + shnum);
        }
        long[][] raw = new long[(int) shnum][];
        for (int i = 0; i < shnum; i++) {
            int s = check(shoff + (long) i * SHDR_SIZE, SHDR_SIZE);
            raw[i] = new long[] {Integer.toUnsignedLong(buf.getInt(s)), buf.getInt(s + 4), buf.getLong(s + 8), buf.getLong(s + 16),
                    buf.getLong(s + 24), buf.getLong(s + 32), buf.getInt(s + 40), buf.getInt(s + 44), buf.getLong(s + 56)};
        }
        List<ElfSection> secs = new ArrayList<>();
        long[] names = shstrndx < shnum && shstrndx != 0 ? raw[shstrndx] : null;
        for (int i = 0; i < shnum; i++) {
            long[] r = raw[i];
            String name = names == null ? "" : cString(names[4], names[5], r[0]);
            secs.add(new ElfSection(i, name, (int) r[1], r[2], r[3], r[4], r[5], (int) r[6], (int) r[7], r[8]));
        }
        sections = List.copyOf(secs);
    }

    /** Parses an ELF image held in memory. */
    public static ElfFile parse(String origin, ByteBuffer data) throws ElfException {
        try {
            return new ElfFile(origin, data.duplicate());
        } catch (IndexOutOfBoundsException | BufferUnderflowException e) {
            throw new ElfException(origin + ": truncated ELF file", e);
        }
    }

    /**
     * Maps and parses the file (read-only; nothing is copied). Mapped as a memory segment of an automatic arena
     * (unmapped when the last buffer over it is unreachable, as a MappedByteBuffer is) and viewed as a buffer:
     * {@code FileChannel.map} without an arena makes its MappedByteBuffer through a reflective constructor call
     * (sun.nio.ch.Util.newMappedByteBufferR), whose first use in a JVM spins ~20 method-handle classes that C1
     * then compiles, ~20 ms of CPU in each {@code boxscope diagnose} that a busy target pays for (issue 15;
     * docs/benchmarks.md, "diagnose: classes spun at run time").
     */
    public static ElfFile read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new ElfException(file + " is larger than 2 GiB, which this reader does not map");
            }
            return parse(file.toString(), ch.map(FileChannel.MapMode.READ_ONLY, 0, size, java.lang.foreign.Arena.ofAuto()).asByteBuffer());
        }
    }

    public String origin() {
        return origin;
    }

    /**
     * The file's byte order (e_ident[EI_DATA]): big-endian for s390x binaries, little-endian for the other five
     * architectures Boxscope knows. Data inside sections (notes' descriptors, such as a USDT note's addresses)
     * is in this order too.
     */
    public ByteOrder byteOrder() {
        return buf.order();
    }

    /** e_type: 1 relocatable, 2 executable (ET_EXEC), 3 shared object or PIE (ET_DYN), 4 core. */
    public int type() {
        return type;
    }

    /** e_machine: 62 is x86-64, 183 AArch64, 22 S390, 21 PPC64, 243 RISC-V, 258 LoongArch, 247 BPF. */
    public int machine() {
        return machine;
    }

    public long entry() {
        return entry;
    }

    public List<ElfSection> sections() {
        return sections;
    }

    public List<ElfSegment> segments() {
        return segments;
    }

    public Optional<ElfSection> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** True if the file has a {@code .symtab} with contents (i.e. it is not stripped). */
    public boolean hasSymtab() {
        return sections.stream().anyMatch(s -> s.type() == ElfSection.SHT_SYMTAB && s.size() > 0);
    }

    /** Every entry of .symtab then .dynsym (entry 0, the null symbol, left out), in table order. */
    public List<ElfSymbol> symbols() throws ElfException {
        return symbols(false);
    }

    /** Defined FUNC and IFUNC symbols with an address: what a uprobe can be placed on. */
    public List<ElfSymbol> functions() throws ElfException {
        return java.util.Collections.unmodifiableList(symbols(true));
    }

    /**
     * With {@code functionsOnly}, the entries {@link #functions} keeps, tested before their name and version are
     * decoded (a stack's symbolizer indexes every function of each file it meets: issue 15, libc's 3,043 entries).
     */
    private List<ElfSymbol> symbols(boolean functionsOnly) throws ElfException {
        List<ElfSymbol> out = new ArrayList<>();
        for (ElfSection s : sections) {
            if (s.type() == ElfSection.SHT_SYMTAB) {
                readSymbols(s, ElfSymbol.Table.SYMTAB, out, functionsOnly);
            }
        }
        for (ElfSection s : sections) {
            if (s.type() == ElfSection.SHT_DYNSYM) {
                readSymbols(s, ElfSymbol.Table.DYNSYM, out, functionsOnly);
            }
        }
        return out;
    }

    private void readSymbols(ElfSection s, ElfSymbol.Table table, List<ElfSymbol> out, boolean functionsOnly) throws ElfException {
        if (s.entsize() != SYM_SIZE && s.entsize() != 0) {
            throw new ElfException(origin + ": " + s.name() + " has entry size " + s.entsize() + ", expected " + SYM_SIZE);
        }
        if (s.link() <= 0 || s.link() >= sections.size()) {
            throw new ElfException(origin + ": " + s.name() + " links to no string table (sh_link " + s.link() + ")");
        }
        ElfSection strtab = sections.get(s.link());
        long n = s.size() / SYM_SIZE;
        int base = check(s.offset(), n * SYM_SIZE);
        Map<Integer, String> versionNames = table == ElfSymbol.Table.DYNSYM ? versionNames() : Map.of();
        // Indexes defined by this file (verdef) are stored as-is; needed ones (verneed) are stored negated.
        ElfSection versym = table == ElfSymbol.Table.DYNSYM ? versym(s.index()) : null;
        for (int i = 1; i < n; i++) {
            int p = base + i * SYM_SIZE;
            int info = buf.get(p + 4) & 0xff;
            int other = buf.get(p + 5) & 0xff;
            int shndx = u16(p + 6);
            if (functionsOnly) {
                ElfSymbol.Type type = ElfSymbol.Type.of(info & 0xf);
                if ((type != ElfSymbol.Type.FUNC && type != ElfSymbol.Type.IFUNC) || shndx == ElfSymbol.SHN_UNDEF
                        || buf.getLong(p + 8) == 0) {
                    continue; // not ElfSymbol.isFunction() && isDefined() && value != 0
                }
            }
            String name = cString(strtab.offset(), strtab.size(), Integer.toUnsignedLong(buf.getInt(p)));
            String version = "";
            boolean isDefault = false;
            if (versym != null && (long) i * 2 + 2 <= versym.size()) {
                int v = u16(check(versym.offset() + i * 2L, 2));
                int idx = v & 0x7fff;
                if (idx > 1) { // 0 local, 1 global: no version
                    String def = versionNames.get(idx);
                    if (def != null) {
                        version = def;
                        isDefault = (v & 0x8000) == 0 && shndx != ElfSymbol.SHN_UNDEF;
                    } else {
                        version = versionNames.getOrDefault(-idx, "");
                    }
                }
            }
            out.add(new ElfSymbol(table, i, name, version, isDefault, buf.getLong(p + 8), buf.getLong(p + 16),
                    ElfSymbol.Type.of(info & 0xf), ElfSymbol.Bind.of(info >>> 4), other & 0x3, shndx));
        }
    }

    private ElfSection versym(int dynsymIndex) {
        for (ElfSection s : sections) {
            if (s.type() == ElfSection.SHT_GNU_VERSYM && s.link() == dynsymIndex) {
                return s;
            }
        }
        return null;
    }

    /** Version index → name, from .gnu.version_d (definitions) and .gnu.version_r (needs). */
    private Map<Integer, String> versionNames() throws ElfException {
        Map<Integer, String> names = new HashMap<>();
        for (ElfSection s : sections) {
            if (s.type() != ElfSection.SHT_GNU_VERDEF && s.type() != ElfSection.SHT_GNU_VERNEED) {
                continue;
            }
            if (s.link() <= 0 || s.link() >= sections.size()) {
                continue;
            }
            ElfSection str = sections.get(s.link());
            long end = s.offset() + s.size();
            long p = s.offset();
            for (int n = 0; n < s.info() && p + 16 <= end; n++) {
                int e = check(p, 16);
                if (s.type() == ElfSection.SHT_GNU_VERDEF) {
                    // Elf64_Verdef: vd_version, vd_flags, vd_ndx (u16), vd_cnt (u16), vd_hash, vd_aux, vd_next (u32)
                    int ndx = u16(e + 4);
                    long aux = Integer.toUnsignedLong(buf.getInt(e + 12));
                    if (aux != 0 && p + aux + 8 <= end) {
                        int a = check(p + aux, 8);
                        names.put(ndx, cString(str.offset(), str.size(), Integer.toUnsignedLong(buf.getInt(a))));
                    }
                    long next = Integer.toUnsignedLong(buf.getInt(e + 16));
                    if (next == 0) {
                        break;
                    }
                    p += next;
                } else {
                    // Elf64_Verneed: vn_version, vn_cnt (u16), vn_file, vn_aux, vn_next (u32); Vernaux: vna_hash (u32),
                    // vna_flags, vna_other (u16), vna_name, vna_next (u32)
                    int cnt = u16(e + 2);
                    long a = p + Integer.toUnsignedLong(buf.getInt(e + 8));
                    for (int k = 0; k < cnt && a + 16 <= end; k++) {
                        int x = check(a, 16);
                        names.put(-u16(x + 6), cString(str.offset(), str.size(), Integer.toUnsignedLong(buf.getInt(x + 8))));
                        long next = Integer.toUnsignedLong(buf.getInt(x + 12));
                        if (next == 0) {
                            break;
                        }
                        a += next;
                    }
                    long next = Integer.toUnsignedLong(buf.getInt(e + 12));
                    if (next == 0) {
                        break;
                    }
                    p += next;
                }
            }
        }
        return names;
    }

    /**
     * The file offset of a virtual address: {@code addr - p_vaddr + p_offset} of the PT_LOAD segment that
     * contains it (how cilium/ebpf's link.Executable and libbpf's elf_sym_offset place uprobes).
     */
    public long fileOffsetOf(long vaddr) throws ElfException {
        for (ElfSegment s : segments) {
            if (s.isLoad() && s.containsVaddr(vaddr)) {
                return vaddr - s.vaddr() + s.offset();
            }
        }
        throw new ElfException(origin + ": address 0x" + Long.toHexString(vaddr) + " is in no loadable segment");
    }

    /**
     * The defined function named {@code name}: the exact string-table name first (so
     * {@code _IO_do_write@@GLIBC_2.2.5} works; among equal names the unversioned or default-version one), then a
     * .dynsym name with its version ({@code malloc@@GLIBC_2.2.5}
     * or {@code memcpy@GLIBC_2.2.5}), then the plain name with the default version.
     */
    public Optional<ElfSymbol> function(String name) throws ElfException {
        List<ElfSymbol> fns = functions();
        // A plain name may appear several times in .dynsym (memcpy@GLIBC_2.2.5 and memcpy@@GLIBC_2.14):
        // the dynamic linker binds a plain reference to the default version, so prefer that one.
        for (ElfSymbol s : fns) {
            if (s.name().equals(name) && (s.version().isEmpty() || s.defaultVersion())) {
                return Optional.of(s);
            }
        }
        for (ElfSymbol s : fns) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        for (ElfSymbol s : fns) {
            if (!s.version().isEmpty() && s.displayName().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The uprobe file offset of function {@code name}; throws if the file defines no such function. */
    public long fileOffset(String name) throws ElfException {
        ElfSymbol s = function(name).orElseThrow(() -> new ElfException(origin + " defines no function '" + name
                + "' (list them with 'boxscope probe -l \"uprobe:" + origin + ":*\"')"));
        return fileOffsetOf(s.value());
    }

    /** The GNU build id (NT_GNU_BUILD_ID note) as lower-case hex, if the file has one. */
    public Optional<String> buildId() throws ElfException {
        for (ElfSection s : sections) {
            if (s.type() == ElfSection.SHT_NOTE) {
                for (ElfNote n : notesOf(s, false)) {
                    if (n.type() == NT_GNU_BUILD_ID && n.name().equals("GNU")) {
                        return Optional.of(HexFormat.of().formatHex(n.desc()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The notes of section {@code name} (elf(5), "Notes (Nhdr)"): owner name, type and descriptor bytes, in
     * file order; empty when the file has no such section. Used for {@code .note.stapsdt} (USDT probes).
     */
    public List<ElfNote> notes(String name) throws ElfException {
        Optional<ElfSection> sec = section(name);
        if (sec.isEmpty() || sec.get().type() != ElfSection.SHT_NOTE) {
            return List.of();
        }
        return notesOf(sec.get(), true);
    }

    /** A note section's notes; a note running past the end is an error when {@code strict}, else the end of the list. */
    private List<ElfNote> notesOf(ElfSection sec, boolean strict) throws ElfException {
        List<ElfNote> out = new ArrayList<>();
        long p = sec.offset();
        long end = p + sec.size();
        while (p + 12 <= end) {
            int h = check(p, 12);
            long namesz = Integer.toUnsignedLong(buf.getInt(h));
            long descsz = Integer.toUnsignedLong(buf.getInt(h + 4));
            int ntype = buf.getInt(h + 8);
            long nameAt = p + 12;
            long descAt = nameAt + align4(namesz);
            if (descAt + descsz > end) {
                if (strict) {
                    throw new ElfException(origin + ": note at offset " + p + " of " + sec.name() + " runs past the section");
                }
                break;
            }
            byte[] desc = new byte[(int) descsz];
            buf.get(check(descAt, descsz), desc);
            out.add(new ElfNote(cString(nameAt, namesz, 0), ntype, desc));
            p = descAt + align4(descsz);
        }
        return out;
    }

    /** The {@code .gnu_debuglink} file name and CRC-32 of the separate debug file, if any. */
    public Optional<DebugLink> debugLink() throws ElfException {
        Optional<ElfSection> s = section(".gnu_debuglink");
        if (s.isEmpty() || s.get().type() == ElfSection.SHT_NOBITS) {
            return Optional.empty();
        }
        ElfSection d = s.get();
        String name = cString(d.offset(), d.size(), 0);
        long crcAt = align4(name.getBytes(StandardCharsets.UTF_8).length + 1L);
        if (crcAt + 4 > d.size()) {
            return Optional.empty();
        }
        return Optional.of(new DebugLink(name, buf.getInt(check(d.offset() + crcAt, 4))));
    }

    /** A {@code .gnu_debuglink}: the debug file's base name and the CRC-32 of its contents. */
    public record DebugLink(String fileName, int crc) {}

    private static long align4(long v) {
        return (v + 3) & ~3L;
    }

    private int u16(int at) {
        return buf.getShort(at) & 0xffff;
    }

    /** Returns {@code off} as an int after checking {@code [off, off+len)} lies in the file. */
    private int check(long off, long len) throws ElfException {
        if (off < 0 || len < 0 || off + len > buf.limit()) {
            throw new ElfException(origin + ": truncated ELF file: bytes [" + off + "," + (off + len) + ") lie beyond its "
                    + buf.limit() + " bytes");
        }
        return (int) off;
    }

    /** A NUL-terminated string at {@code index} in the table at {@code [tabOff, tabOff+tabSize)}. */
    private String cString(long tabOff, long tabSize, long index) throws ElfException {
        if (index >= tabSize) {
            throw new ElfException(origin + ": string index " + index + " is outside its " + tabSize + "-byte table");
        }
        int start = check(tabOff + index, 0);
        long limit = Math.min(tabOff + tabSize, buf.limit());
        int end = start;
        while (end < limit && buf.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - start];
        buf.get(start, b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
