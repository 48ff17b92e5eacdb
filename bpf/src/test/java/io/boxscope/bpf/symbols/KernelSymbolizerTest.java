package io.boxscope.bpf.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.testkit.KernelTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run is told when kernel symbols are missing ({@link KernelSymbolizer}): unreadable symbols leave every
 * address unresolved, counted, with the reader's own reason; a table of the image's text from the per-boot cache whose
 * rest cannot be read keeps naming the image's addresses and leaves only the others. Failures come from the readers'
 * roots: a kallsyms of zeros, a kallsyms removed after the cache was written. Root-only (the cache is), hence
 * {@code @KernelTest}.
 */
@KernelTest
class KernelSymbolizerTest {
    @TempDir
    Path tmp;

    @Test
    void hiddenAddressesLeaveEveryAddressUnresolvedWithTheReason() throws Exception {
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        Files.writeString(proc.resolve("kallsyms"), "0000000000000000 T _stext\n0000000000000000 T vfs_read\n");
        KernelSymbolizer k = new KernelSymbolizer(proc);
        assertEquals(Optional.empty(), k.resolve(0xffffffff81000010L));
        assertEquals(Optional.empty(), k.resolve(0xffffffff81000020L));
        assertEquals(2, k.unresolved());
        String why = k.unavailable().orElseThrow();
        assertTrue(why.startsWith("kernel symbols could not be read: ") && why.contains("kptr_restrict"), why);
    }

    @Test
    void anAbsentKallsymsIsNamed() {
        KernelSymbolizer k = new KernelSymbolizer(tmp.resolve("no-proc"));
        assertEquals(Optional.empty(), k.resolve(0xffffffff81000010L));
        assertEquals(1, k.unresolved());
        String why = k.unavailable().orElseThrow();
        assertTrue(why.endsWith("kallsyms: no such file"), why);
    }

    @Test
    void anEmptyKallsymsLeavesEveryAddressUnresolvedWithTheReason() throws Exception {
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        Files.writeString(proc.resolve("kallsyms"), ""); // /dev/null bound over it: no symbol, no error of the read itself
        KernelSymbolizer k = new KernelSymbolizer(proc);
        assertEquals(Optional.empty(), k.resolve(0xffffffff81000010L));
        assertEquals(1, k.unresolved());
        String why = k.unavailable().orElseThrow();
        assertTrue(why.equals("kernel symbols could not be read: " + proc.resolve("kallsyms") + " lists no kernel text symbol (empty):"
                + " it may be masked (/dev/null bound over it, as in some containers); the symbols need the host's kallsyms"), why);
    }

    @Test
    void readableSymbolsCountNothing() throws Exception {
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        Files.writeString(proc.resolve("kallsyms"), "ffffffff81000000 T _stext\nffffffff81000100 T vfs_read\n");
        KernelSymbolizer k = new KernelSymbolizer(proc);
        assertEquals("vfs_read", k.resolve(0xffffffff81000110L).orElseThrow().name());
        assertEquals(Optional.empty(), k.resolve(0x1000L), "below every symbol: printed in hex, as bpftrace does, not a failure");
        assertEquals(0, k.unresolved());
        assertEquals(Optional.empty(), k.unavailable());
    }

    @Test
    void aCachedImageWhoseRestCannotBeReadKeepsNamingTheImage() throws Exception {
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        Files.writeString(proc.resolve("kallsyms"), SymbolParsersTest.resource("kallsyms-slice")
                + "\nffffffff82259b00 T _etext\n" + KallsymsCacheTest.MODULES, StandardCharsets.ISO_8859_1);
        Path dir = Files.createDirectory(tmp.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = dir.resolve("kallsyms");
        KernelSymbols whole = KernelSymbols.read(proc);
        KallsymsCache.load(proc, file, KallsymsCacheTest.KEY);
        KernelSymbols cached = KallsymsCache.load(proc, file, KallsymsCacheTest.KEY);
        assertTrue(cached.imageTextOnly());
        Files.delete(proc.resolve("kallsyms")); // the rest of kallsyms can no longer be read

        KernelSymbolizer k = new KernelSymbolizer(() -> cached);
        long inImage = whole.address("_stext").orElseThrow() + 0x10;
        long inModule = 0xffffffffc0a00010L;
        assertTrue(whole.resolve(inImage).isPresent());
        assertEquals(whole.resolve(inImage), k.resolve(inImage));
        assertEquals(Optional.empty(), k.resolve(inModule));
        assertEquals(1, k.unresolved());
        String why = k.unavailable().orElseThrow();
        assertTrue(why.startsWith("kernel symbols outside the kernel image's text") && why.endsWith("kallsyms: no such file"), why);
        assertEquals(whole.resolve(inImage), k.resolve(inImage), "the image's table is kept after the failure");
        long loads = KernelSymbols.loads();
        assertEquals(Optional.empty(), k.resolve(inModule));
        assertEquals(loads, KernelSymbols.loads(), "the rest is not tried again in this run");
        assertEquals(2, k.unresolved(), "each address left unresolved is counted");
    }
}
