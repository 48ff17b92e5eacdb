package io.boxscope.bpf.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.testkit.Requirements;
import io.boxscope.testkit.SystemLibs;
import org.junit.jupiter.api.Test;

/** This machine's libc and a stripped binary, read by us and by readelf/nm run live: same facts. */
class ElfLibcTest {
    /** Where the dynamic loader finds libc on this machine (ldd's answer), not a hard-coded multiarch path. */
    static final Path LIBC = SystemLibs.libc();
    static final Pattern SYM = Pattern.compile(
            "^\\s*(\\d+): ([0-9a-f]{16})\\s+(\\S+) (\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s?(.*)$");

    static List<String> run(String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("boxscope-elf", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            Requirements.require(p.exitValue() == 0, String.join(" ", cmd) + " (binutils) exited " + p.exitValue());
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** readelf -Ws lines of one table, rendered from our symbols in readelf's columns. */
    static void assertTableEqualsReadelf(Path file, ElfSymbol.Table table, String readelfFlag) throws Exception {
        Requirements.require(Files.isReadable(file), file + " readable");
        List<String> theirs = new ArrayList<>();
        for (String l : run("readelf", "-W", readelfFlag, file.toString())) {
            Matcher m = SYM.matcher(l);
            if (m.matches() && !m.group(1).equals("0")) {
                theirs.add(m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4) + " " + m.group(5) + " "
                        + m.group(6) + " " + m.group(7) + " " + m.group(8).replaceAll(" \\(\\d+\\)$", ""));
            }
        }
        List<String> ours = new ArrayList<>();
        for (ElfSymbol s : ElfFile.read(file).symbols()) {
            if (s.table() == table) {
                ours.add(s.index() + " " + String.format("%016x", s.value()) + " " + size(s.size()) + " " + s.type() + " "
                        + s.bind() + " " + vis(s.visibility()) + " " + ndx(s.sectionIndex()) + " " + s.displayName());
            }
        }
        assertTrue(theirs.size() > 100, "readelf listed " + theirs.size() + " symbols of " + file);
        assertEquals(theirs.size(), ours.size(), "symbol count of " + file);
        for (int i = 0; i < ours.size(); i++) {
            assertEquals(theirs.get(i), ours.get(i));
        }
    }

    static String size(long s) {
        return s > 99999 ? "0x" + Long.toHexString(s) : Long.toString(s);
    }

    static String vis(int v) {
        return List.of("DEFAULT", "INTERNAL", "HIDDEN", "PROTECTED").get(v);
    }

    static String ndx(int n) {
        return switch (n) {
            case 0 -> "UND";
            case 0xfff1 -> "ABS";
            case 0xfff2 -> "COM";
            default -> Integer.toString(n);
        };
    }

    @Test
    void libcDynsymEqualsReadelfIncludingVersions() throws Exception {
        assertTableEqualsReadelf(LIBC, ElfSymbol.Table.DYNSYM, "--dyn-syms");
        ElfFile libc = ElfFile.read(LIBC);
        ElfSymbol malloc = libc.function("malloc").orElseThrow();
        assertEquals("malloc", malloc.name());
        assertEquals("malloc@@GLIBC_2.2.5", malloc.displayName());
        assertEquals(malloc, libc.function("malloc@@GLIBC_2.2.5").orElseThrow());
        assertFalse(libc.hasSymtab(), "Debian's libc ships stripped; its symbols are in libc6-dbg");
    }

    @Test
    void debugFileSymtabEqualsReadelf() throws Exception {
        ElfFile libc = ElfFile.read(LIBC);
        Optional<Path> debug = DebugFiles.find(libc, LIBC, DebugFiles.DEFAULT_ROOT);
        Requirements.require(debug.isPresent(), "libc's debug file (Debian package libc6-dbg)");
        assertTrue(debug.get().toString().contains(".build-id/" + libc.buildId().orElseThrow().substring(0, 2)));
        assertTableEqualsReadelf(debug.get(), ElfSymbol.Table.SYMTAB, "--syms");
        ElfFile dbg = ElfFile.read(debug.get());
        assertTrue(dbg.hasSymtab());
        assertTrue(dbg.symbols().stream().noneMatch(s -> s.table() == ElfSymbol.Table.DYNSYM), ".dynsym is NOBITS there");
    }

    @Test
    void uprobeOffsetOfMallocFromProgramHeaders() throws Exception {
        ElfFile libc = ElfFile.read(LIBC);
        // Independent computation from readelf's own output: symbol value and the PT_LOAD that holds it.
        long value = -1;
        for (String l : run("readelf", "-W", "--dyn-syms", LIBC.toString())) {
            Matcher m = SYM.matcher(l);
            if (m.matches() && m.group(8).equals("malloc@@GLIBC_2.2.5")) {
                value = Long.parseUnsignedLong(m.group(2), 16);
            }
        }
        assertTrue(value > 0);
        Pattern load = Pattern.compile("^\\s*LOAD\\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x[0-9a-f]+ 0x[0-9a-f]+ 0x([0-9a-f]+) .*$");
        long expected = -1;
        for (String l : run("readelf", "-W", "-l", LIBC.toString())) {
            Matcher m = load.matcher(l);
            if (m.matches()) {
                long off = Long.parseLong(m.group(1), 16);
                long vaddr = Long.parseLong(m.group(2), 16);
                long memsz = Long.parseLong(m.group(3), 16);
                if (value >= vaddr && value < vaddr + memsz) {
                    expected = value - vaddr + off;
                }
            }
        }
        assertEquals(expected, libc.fileOffset("malloc"));
        // Oracles for the header facts: readelf -l's LOAD lines, readelf -h's Machine/Type lines.
        long loads = run("readelf", "-W", "-l", LIBC.toString()).stream().filter(l -> l.trim().startsWith("LOAD ")).count();
        assertTrue(loads > 0);
        assertEquals(loads, libc.segments().stream().filter(ElfSegment::isLoad).count());
        assertTrue(libc.section(".text").isPresent());
        List<String> header = run("readelf", "-h", LIBC.toString());
        String machine = header.stream().filter(l -> l.trim().startsWith("Machine:")).findFirst().orElseThrow();
        // e_machine numbers of elf(5) / include/uapi/linux/elf-em.h: EM_X86_64 = 62, EM_AARCH64 = 183, EM_RISCV = 243,
        // EM_LOONGARCH = 258, EM_PPC64 = 21 (s390x is big-endian, which ElfFile refuses)
        int em = machine.contains("X86-64") ? 62 : machine.contains("AArch64") ? 183 : machine.contains("RISC-V") ? 243
                : machine.contains("LoongArch") ? 258 : machine.contains("PowerPC64") ? 21 : -1;
        assertEquals(em, libc.machine(), machine);
        assertTrue(header.stream().anyMatch(l -> l.trim().startsWith("Type:") && l.contains("DYN")), header.toString());
        assertEquals(3, libc.type(), "ET_DYN");
    }

    @Test
    void strippedBinaryHasOnlyDynsymAndMatchesNm() throws Exception {
        Path ls = Path.of("/usr/bin/ls");
        ElfFile elf = ElfFile.read(ls);
        assertFalse(elf.hasSymtab());
        TreeSet<String> ours = new TreeSet<>();
        for (ElfSymbol s : elf.symbols()) {
            if (s.isDefined() && s.table() == ElfSymbol.Table.DYNSYM) {
                ours.add(s.displayName());
            }
        }
        TreeSet<String> nm = new TreeSet<>();
        for (String l : run("nm", "-D", "--defined-only", ls.toString())) {
            String[] parts = l.trim().split("\\s+");
            if (parts.length == 3) {
                nm.add(parts[2]);
            }
        }
        assertTrue(nm.size() > 5, "nm listed too little to compare: " + nm);
        assertEquals(nm, ours);
        assertTrue(elf.buildId().orElseThrow().matches("[0-9a-f]{40}"));
        String fromFile = run("file", "-L", ls.toString()).getFirst();
        assertTrue(fromFile.toLowerCase(Locale.ROOT).contains(elf.buildId().orElseThrow()), fromFile);
    }
}
