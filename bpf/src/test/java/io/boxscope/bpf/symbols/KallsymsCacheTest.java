package io.boxscope.bpf.symbols;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.bpf.feature.BootCache;
import io.boxscope.testkit.KernelTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-boot kallsyms cache: a second load answers from the file without reading kallsyms, as the file would
 * have answered, until an address outside the image's text (or a name) needs the file; a damaged, foreign or
 * stale file is counted, ignored and replaced; kptr_restrict's zeros fail as before and are never stored; a link
 * is never followed. Root-only (the cache is, as {@link BootCache} is), hence {@code @KernelTest}.
 */
@KernelTest
class KallsymsCacheTest {
    static final String KEY = "boot=test release=test cap_eff=0 lockdown=none kptr_restrict=0";
    /** Module and BPF lines after the image, out of order as kallsyms lists them. */
    static final String MODULES = """
            ffffffffc0a01000 t mod_b_func2\t[mod_b]
            ffffffffc0a00000 t mod_b_func1\t[mod_b]
            ffffffffc0900000 T mod_a_init\t[mod_a]
            ffffffffc0a00800 t bpf_prog_6deef7357e7b4530_sd_fw_ingress\t[bpf]
            ffffffffc0900100 T vfs_read\t[mod_a]
            """;

    @TempDir
    Path tmp;

    /** A proc root holding the real slice with its _etext (cut from the slice) and module lines. */
    Path proc(String extra) throws Exception {
        Path p = Files.createDirectories(tmp.resolve("proc"));
        Files.writeString(p.resolve("kallsyms"), SymbolParsersTest.resource("kallsyms-slice")
                + "\nffffffff82259b00 T _etext\n" + extra, StandardCharsets.ISO_8859_1);
        return p;
    }

    Path dir() throws IOException {
        return Files.createDirectory(tmp.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    static void assertSameAnswers(KernelSymbols want, KernelSymbols got, long from, long to) {
        Random r = new Random(3);
        for (int i = 0; i < 5000; i++) {
            long a = from + Long.remainderUnsigned(r.nextLong(), to - from);
            assertEquals(want.resolve(a), got.resolve(a), () -> "0x" + Long.toHexString(a));
        }
        for (long a : new long[] {from, from + 1, to - 1}) {
            assertEquals(want.resolve(a), got.resolve(a), () -> "0x" + Long.toHexString(a));
        }
    }

    @Test
    void secondLoadAnswersFromTheCacheUntilAnAddressOutsideTheImage() throws Exception {
        Path proc = proc(MODULES);
        Path file = dir().resolve("kallsyms");
        KernelSymbols whole = KernelSymbols.read(proc);
        long misses = KallsymsCache.misses();
        long stored = KallsymsCache.stored();
        KernelSymbols first = KallsymsCache.load(proc, file, KEY);
        assertEquals(misses + 1, KallsymsCache.misses());
        assertEquals(stored + 1, KallsymsCache.stored());
        assertFalse(first.imageTextOnly());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
        assertEquals(0, (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS));

        long hits = KallsymsCache.hits();
        long loads = KernelSymbols.loads();
        KernelSymbols cached = KallsymsCache.load(proc, file, KEY);
        assertEquals(hits + 1, KallsymsCache.hits());
        assertTrue(cached.imageTextOnly(), cached.toString());
        assertEquals(whole.skipped(), cached.skipped());
        assertSameAnswers(whole, cached, 0xffffffff81000000L, 0xffffffff82259b00L);
        assertEquals(loads, KernelSymbols.loads(), "no read of kallsyms for the image's text");
        // past _etext, a module, a BPF program, below _stext: the file is read once, then answers as it does
        for (long a : new long[] {0xffffffff82259b00L, 0xffffffffc0900104L, 0xffffffffc0a00810L, 0xffffffffc0a01fffL, 0x1000L,
                0xffffffff837615e8L}) {
            assertEquals(whole.resolve(a), cached.resolve(a), () -> "0x" + Long.toHexString(a));
        }
        assertEquals(loads + 1, KernelSymbols.loads());
        assertFalse(cached.imageTextOnly());
        assertEquals(whole.size(), cached.size());
    }

    @Test
    void nameLookupsReadTheFileForModulesMayDefineTheNameFirst() throws Exception {
        Path proc = proc(MODULES);
        Path file = dir().resolve("kallsyms");
        KallsymsCache.load(proc, file, KEY);
        KernelSymbols cached = KallsymsCache.load(proc, file, KEY);
        assertTrue(cached.imageTextOnly());
        assertEquals(KernelSymbols.read(proc).address("mod_b_func1"), cached.address("mod_b_func1"));
        assertEquals(0xffffffffc0a00000L, cached.address("mod_b_func1").orElseThrow());
        assertEquals(KernelSymbols.read(proc).address("vfs_read"), cached.address("vfs_read"));
    }

    /** Each way a file can be wrong: counted as rejected or stale, the file read instead, the cache rewritten. */
    @Test
    void damagedForeignAndStaleFilesAreCountedIgnoredAndReplaced() throws Exception {
        Path proc = proc(MODULES);
        Path file = dir().resolve("kallsyms");
        KallsymsCache.load(proc, file, KEY);
        byte[] good = Files.readAllBytes(file);
        KernelSymbols whole = KernelSymbols.read(proc);
        List<UnaryOperator<byte[]>> damaged = List.of(
                b -> flip(b, b.length / 2),                 // a name byte: checksum
                b -> flip(b, headerLength(b) + 30),         // an address: checksum
                b -> flip(b, b.length - 1),                 // the checksum itself
                b -> Arrays.copyOf(b, b.length - 9),        // truncated
                b -> Arrays.copyOf(b, headerLength(b) + 10),
                b -> Arrays.copyOf(b, b.length + 1),        // a byte too many
                b -> new byte[0],
                b -> "boxscope-boot-cache 1\nkey x\n".getBytes(StandardCharsets.US_ASCII), // another cache's format
                b -> replace(b, "boxscope-kallsyms 1", "boxscope-kallsyms 2"));
        for (UnaryOperator<byte[]> d : damaged) {
            write0600(file, d.apply(good.clone()));
            long rejected = KallsymsCache.rejected();
            KernelSymbols k = KallsymsCache.load(proc, file, KEY);
            assertEquals(rejected + 1, KallsymsCache.rejected(), "counted as rejected");
            assertFalse(k.imageTextOnly(), "the file was read instead");
            assertSameAnswers(whole, k, 0xffffffff81000000L, 0xffffffffc0a02000L);
            assertArrayEquals(good, Files.readAllBytes(file), "rewritten");
        }
        long stale = KallsymsCache.stale();
        KernelSymbols k = KallsymsCache.load(proc, file, KEY.replace("boot=test", "boot=other"));
        assertEquals(stale + 1, KallsymsCache.stale(), "another boot's file");
        assertFalse(k.imageTextOnly());
        assertTrue(KallsymsCache.load(proc, file, KEY.replace("boot=test", "boot=other")).imageTextOnly(), "rewritten for the new key");
        assertTrue(KallsymsCache.problems().stream().anyMatch(p -> p.contains("checksum")), KallsymsCache.problems().toString());
    }

    @Test
    void filesNotRootsOwn0600AreNotReadAndLinksAreNotFollowed() throws Exception {
        Path proc = proc(MODULES);
        Path file = dir().resolve("kallsyms");
        KallsymsCache.load(proc, file, KEY);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        long misses = KallsymsCache.misses();
        assertFalse(KallsymsCache.load(proc, file, KEY).imageTextOnly(), "a world-readable file is not trusted");
        assertEquals(misses + 1, KallsymsCache.misses());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file), "replaced by a 0600 one");

        Path target = tmp.resolve("elsewhere");
        Files.writeString(target, "not yours");
        Files.delete(file);
        Files.createSymbolicLink(file, target);
        assertFalse(KallsymsCache.load(proc, file, KEY).imageTextOnly());
        assertEquals("not yours", Files.readString(target), "the link's target is untouched");
        assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS), "the link itself was replaced");
    }

    @Test
    void hiddenAddressesFailAsBeforeAndAreNeverStored() throws Exception {
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        Files.writeString(proc.resolve("kallsyms"), "0000000000000000 T _stext\n0000000000000000 T vfs_read\n0000000000000000 T _etext\n");
        Path file = dir().resolve("kallsyms");
        IOException e = assertThrows(IOException.class, () -> KallsymsCache.load(proc, file, KEY));
        assertTrue(e.getMessage().contains("kptr_restrict"), e.getMessage());
        assertFalse(Files.exists(file, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aKernelWithoutEtextIsNotCachedButStillServed() throws Exception {
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        Files.writeString(proc.resolve("kallsyms"), SymbolParsersTest.resource("kallsyms-slice"));
        Path file = dir().resolve("kallsyms");
        KernelSymbols k = KallsymsCache.load(proc, file, KEY);
        assertEquals(KernelSymbols.read(proc).size(), k.size());
        assertFalse(Files.exists(file, LinkOption.NOFOLLOW_LINKS));
        assertTrue(KallsymsCache.problems().stream().anyMatch(p -> p.contains("_etext")), KallsymsCache.problems().toString());
    }

    /**
     * kernel/kallsyms.c, kallsyms_show_value: with kptr_restrict 0, perf_event_paranoid at most 1 shows addresses to
     * a process without CAP_SYSLOG, so a file written under one value is stale under another.
     */
    @Test
    void aChangedPerfEventParanoidMakesTheFileStale() throws Exception {
        Path proc = proc(MODULES);
        Path sysKernel = Files.createDirectories(proc.resolve("sys/kernel"));
        Files.writeString(sysKernel.resolve("kptr_restrict"), "0\n");
        Files.writeString(sysKernel.resolve("perf_event_paranoid"), "2\n");
        String strict = KallsymsCache.key(proc);
        assertNotNull(strict, "tests run as root");
        Files.writeString(sysKernel.resolve("perf_event_paranoid"), "1\n");
        String open = KallsymsCache.key(proc);
        assertNotEquals(strict, open, "perf_event_paranoid is part of the key");
        assertTrue(open.endsWith(" kptr_restrict=0 perf_event_paranoid=1"), open);
        Path file = dir().resolve("kallsyms");
        KallsymsCache.load(proc, file, strict);
        assertTrue(KallsymsCache.load(proc, file, strict).imageTextOnly(), "stored under the first value and used");
        long stale = KallsymsCache.stale();
        assertFalse(KallsymsCache.load(proc, file, open).imageTextOnly(), "another value reads the file");
        assertEquals(stale + 1, KallsymsCache.stale());
        assertTrue(KallsymsCache.load(proc, file, open).imageTextOnly(), "and replaces the cache");
    }

    @Test
    void theRunningKernelsImageTextFromTheCacheAsFromKallsyms() throws Exception {
        Path proc = Path.of("/proc");
        String key = KallsymsCache.key(proc);
        assertNotNull(key, "tests run as root");
        assertTrue(key.startsWith(BootCache.key(BootCache.Scope.PRIVILEGES) + " kptr_restrict="), key);
        Path file = dir().resolve("kallsyms");
        KernelSymbols whole = KallsymsCache.load(proc, file, key);
        KernelSymbols cached = KallsymsCache.load(proc, file, key);
        assertTrue(cached.imageTextOnly(), "this kernel's kallsyms names _stext and _etext: " + KallsymsCache.problems());
        long stext = whole.address("_stext").orElseThrow();
        long etext = whole.address("_etext").orElseThrow();
        assertSameAnswers(whole, cached, stext, etext);
        assertTrue(cached.imageTextOnly(), "the image's text answered alone");
    }

    static byte[] flip(byte[] b, int i) {
        b[i] ^= 0x40;
        return b;
    }

    static int headerLength(byte[] b) {
        int nl = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n' && ++nl == 2) {
                return i + 1;
            }
        }
        throw new AssertionError("no header");
    }

    static byte[] replace(byte[] b, String from, String to) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        assertTrue(s.startsWith(from));
        return (to + s.substring(from.length())).getBytes(StandardCharsets.ISO_8859_1);
    }

    static void write0600(Path f, byte[] bytes) throws IOException {
        Files.deleteIfExists(f);
        Files.write(f, bytes);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    }
}
