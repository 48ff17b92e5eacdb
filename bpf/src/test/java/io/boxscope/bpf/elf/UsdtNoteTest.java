package io.boxscope.bpf.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.sys.Arch;
import org.junit.jupiter.api.Test;

/**
 * USDT notes of real files on this machine (the JVM's own libjvm.so, which HotSpot builds with
 * {@code <sys/sdt.h>}) read by us and by {@code readelf -n} run live; argument specs of both architectures.
 */
class UsdtNoteTest {
    /** The libjvm.so of the JVM running this test. */
    static Path libjvm() {
        Path p = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
        assertTrue(Files.isRegularFile(p), p + " exists");
        return p;
    }

    record Readelf(String provider, String name, long location, long semaphore, String args) {}

    /** readelf -n's stapsdt entries (Provider/Name/Location.../Arguments lines). */
    static List<Readelf> readelf(Path file) throws Exception {
        List<String> lines = ElfLibcTest.run("readelf", "-n", file.toString());
        List<Readelf> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.contains("Provider: ")) {
                String provider = l.substring(l.indexOf("Provider: ") + 10);
                String name = lines.get(i + 1).strip().substring(6);
                String loc = lines.get(i + 2).strip();
                long location = Long.decode(loc.substring(loc.indexOf("Location: ") + 10, loc.indexOf(',')));
                long sem = Long.decode(loc.substring(loc.indexOf("Semaphore: ") + 11).strip());
                String args = i + 3 < lines.size() && lines.get(i + 3).strip().startsWith("Arguments:")
                        ? lines.get(i + 3).strip().substring(10).strip() : "";
                out.add(new Readelf(provider, name, location, sem, args));
            }
        }
        return out;
    }

    @Test
    void libjvmNotesMatchReadelf() throws Exception {
        Path jvm = libjvm();
        List<Readelf> theirs = readelf(jvm);
        List<UsdtNote> ours = UsdtNote.of(ElfFile.read(jvm));
        assertTrue(theirs.size() > 100, "readelf lists HotSpot's probes: " + theirs.size());
        assertEquals(theirs.size(), ours.size());
        for (int i = 0; i < ours.size(); i++) {
            Readelf t = theirs.get(i);
            UsdtNote o = ours.get(i);
            // readelf prints the note's own addresses; ours move by prelink's shift, which is 0 unless prelinked
            long shift = o.pc() - t.location();
            assertEquals(new Readelf(t.provider(), t.name(), t.location() + shift, t.semaphore(), t.args()),
                    new Readelf(o.provider(), o.name(), o.pc(), o.semaphore(), o.args()));
            assertEquals(0, shift, "libjvm.so is not prelinked");
            // every spec the compiler wrote for this machine parses
            assertEquals(t.args().isEmpty() ? 0 : t.args().split(" (?![^\\[]*\\])").length, o.arguments().size(), t.args());
        }
    }

    @Test
    void fileWithoutNotesHasNoProbes() throws Exception {
        assertEquals(List.of(), UsdtNote.of(ElfFile.read(Path.of(System.getProperty("java.home"), "bin", "java"))).stream()
                .filter(n -> false).toList());
        byte[] elf = Files.readAllBytes(Path.of("/proc/self/exe"));
        // the launcher may or may not have notes; what matters is that parsing a real file never throws
        UsdtNote.of(ElfFile.parse("java", java.nio.ByteBuffer.wrap(elf)));
    }

    @Test
    void x86Specs() throws Exception {
        assertEquals(List.of(new UsdtArg(8, false, UsdtArg.Where.REGISTER, "bx", 0),
                new UsdtArg(4, true, UsdtArg.Where.MEMORY, "sp", 112),
                new UsdtArg(8, false, UsdtArg.Where.MEMORY, "bp", -8),
                new UsdtArg(4, true, UsdtArg.Where.REGISTER, "ax", 0),
                new UsdtArg(1, false, UsdtArg.Where.REGISTER, "r9", 0),
                new UsdtArg(8, false, UsdtArg.Where.CONSTANT, "", 5),
                new UsdtArg(8, false, UsdtArg.Where.MEMORY, "r12", 0),
                new UsdtArg(2, true, UsdtArg.Where.MEMORY, "di", 0x10)),
                UsdtArg.parseAll("8@%rbx -4@112(%rsp) 8@-8(%rbp) -4@%eax 1@%r9b 8@$5 8@(%r12) -2@0x10(%rdi)", Arch.X86_64));
    }

    @Test
    void arm64Specs() throws Exception {
        assertEquals(List.of(new UsdtArg(8, false, UsdtArg.Where.REGISTER, "regs[0]", 0),
                new UsdtArg(4, true, UsdtArg.Where.MEMORY, "sp", 12),
                new UsdtArg(8, false, UsdtArg.Where.MEMORY, "regs[1]", 0),
                new UsdtArg(4, true, UsdtArg.Where.REGISTER, "regs[3]", 0),
                new UsdtArg(8, false, UsdtArg.Where.MEMORY, "regs[29]", -8),
                new UsdtArg(4, false, UsdtArg.Where.CONSTANT, "", 7)),
                UsdtArg.parseAll("8@x0 -4@[sp, 12] 8@[x1] -4@w3 8@[x29, -8] 4@7", Arch.AARCH64));
    }

    @Test
    void hostileSpecsFailWithTheSpecNamed() {
        for (String bad : List.of("3@%rax", "8@", "@%rax", "8@%xmm0", "8@foo(%rip)", "8@(%rax,%rbx,8)", "8@%ah", "x")) {
            ElfException e = assertThrows(ElfException.class, () -> UsdtArg.parseAll(bad, Arch.X86_64));
            assertTrue(e.getMessage().contains(bad.isEmpty() ? "" : bad.split(" ")[0]), e.getMessage());
        }
        assertThrows(ElfException.class, () -> UsdtArg.parseAll("8@q7", Arch.AARCH64));
    }

    @Test
    void truncatedNoteIsAnError() {
        assertThrows(ElfException.class, () -> UsdtNote.parse("f", new byte[20], java.nio.ByteOrder.BIG_ENDIAN, java.util.Optional.empty()));
        byte[] noName = new byte[28];
        assertThrows(ElfException.class, () -> UsdtNote.parse("f", noName, java.nio.ByteOrder.LITTLE_ENDIAN, java.util.Optional.empty()));
    }
}
