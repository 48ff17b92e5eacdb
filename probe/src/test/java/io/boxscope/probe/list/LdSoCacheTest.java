package io.boxscope.probe.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import io.boxscope.bpf.sys.Arch;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.Test;

/** This machine's /etc/ld.so.cache read as {@code ldconfig -p} prints it, and hostile bytes. */
class LdSoCacheTest {
    private static final Path CACHE = Path.of("/etc/ld.so.cache");

    @Test
    void entriesAreWhatLdconfigPrints() throws Exception {
        Requirements.require(Files.isRegularFile(CACHE), "/etc/ld.so.cache (glibc)");
        String printed = Requirements.output(List.of("/sbin/ldconfig", "-p"));
        // glibc elf/cache.c print_entry's names for the architecture flags
        String arch = switch (Arch.current()) {
            case X86_64 -> "x86-64";
            case AARCH64 -> "AArch64";
            case RISCV64, LOONGARCH64 -> "double-float";
            case S390X, PPC64LE -> "64bit";
        };
        // "\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6"
        List<String> theirs = printed.lines().filter(l -> l.startsWith("\t") && l.contains("(libc6," + arch))
                .map(l -> l.strip().replaceAll(" \\(.*\\) => ", " ")).toList();
        List<String> ours = LdSoCache.forArch(LdSoCache.parse(Files.readAllBytes(CACHE)), Arch.current()).stream()
                .map(e -> e.name() + " " + e.path()).toList();
        assertFalse(theirs.isEmpty(), "ldconfig -p lists libraries");
        assertEquals(theirs, ours);
    }

    @Test
    void aBareLibraryNameIsTheFirstEntryStartingWithLibNameSo() throws Exception {
        Requirements.require(Files.isRegularFile(CACHE), "/etc/ld.so.cache (glibc)");
        List<LdSoCache.Entry> entries = LdSoCache.read(CACHE);
        String expected = entries.stream().filter(e -> e.name().startsWith("libc.so")).findFirst().orElseThrow().path();
        assertEquals(expected, LdSoCache.find(entries, "libc").orElseThrow());
        assertEquals(expected, LdSoCache.find(entries, "c").orElseThrow());
        assertTrue(LdSoCache.find(entries, "zzz_no_such_library").isEmpty());
    }

    @Test
    void hostileBytesGiveNoEntries() throws Exception {
        assertEquals(List.of(), LdSoCache.parse(new byte[0]));
        assertEquals(List.of(), LdSoCache.parse("ld.so-1.7.0\0garbage".getBytes()));
        byte[] real = Files.isRegularFile(CACHE) ? Files.readAllBytes(CACHE) : new byte[0];
        if (real.length > 100) {
            // truncated in the middle of the entries: the whole ones before the cut, strings past the end dropped
            List<LdSoCache.Entry> cut = LdSoCache.parse(Arrays.copyOf(real, 100));
            assertTrue(cut.size() <= 2, "entries of a 100-byte prefix: " + cut);
        }
        byte[] header = Arrays.copyOf("glibc-ld.so.cache1.1".getBytes(), 48);
        header[20] = (byte) 0xff; // a huge entry count with no entries behind it
        header[21] = (byte) 0xff;
        header[22] = (byte) 0xff;
        header[23] = (byte) 0x7f;
        assertEquals(List.of(), LdSoCache.parse(header));
    }
}
