package io.boxscope.bpf.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-pass parser of {@link KernelSymbols} against the regex parser it replaced ({@link KallsymsReference}):
 * same symbol for every address of a 4,300-line slice of this machine's /proc/kallsyms (kernel 6.18, resource
 * {@code symbols/kallsyms-slice}: its start, a middle run and its end with the ftrace trampoline module), of the
 * slice shuffled, and of hostile lines; and {@link KernelSymbols#shared} loading a file once for two consumers.
 */
class KernelSymbolsEquivalenceTest {
    static void assertSameSymbols(String text) {
        KallsymsReference old = KallsymsReference.parse(text);
        KernelSymbols now = KernelSymbols.parse(text);
        KernelSymbols fromBytes = KernelSymbols.parse(text.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(old.size(), now.size(), "text symbols kept");
        assertEquals(old.skipped, now.skipped(), "lines skipped");
        assertEquals(old.skipped, fromBytes.skipped(), "lines skipped (bytes)");
        List<Long> probes = new ArrayList<>(List.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE));
        for (long a : old.addresses()) {
            probes.add(a);
            probes.add(a - 1);
            probes.add(a + 1);
            probes.add(a + 0x37);
        }
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            probes.add(0xffffffff80000000L + (r.nextLong() & 0x7fffffffL));
        }
        for (long p : probes) {
            assertEquals(old.resolve(p), now.resolve(p), () -> "address 0x" + Long.toHexString(p));
            assertEquals(old.resolve(p), fromBytes.resolve(p), () -> "address 0x" + Long.toHexString(p) + " (bytes)");
        }
    }

    @Test
    void realKallsymsSliceResolvesAsBefore() throws Exception {
        String text = SymbolParsersTest.resource("kallsyms-slice");
        assertSameSymbols(text);
        KernelSymbols k = KernelSymbols.parse(text);
        assertTrue(k.size() > 3500, "the slice's text symbols: " + k.size());
        KallsymsReference old = KallsymsReference.parse(text);
        for (String name : List.of("_stext", "entry_SYSCALL_64", "ftrace_trampoline", "no_such_symbol")) {
            assertEquals(old.address(name), k.address(name), name);
        }
        assertEquals("[__builtin__ftrace]", k.resolve(0xffffffffc0201000L).orElseThrow().module());
    }

    @Test
    void shuffledLinesSortStablyAsBefore() throws Exception {
        List<String> lines = new ArrayList<>(SymbolParsersTest.resource("kallsyms-slice").lines().toList());
        Collections.shuffle(lines, new Random(7));
        assertSameSymbols(String.join("\n", lines));
        // the same address in both orders: the tie-break (fewest underscores, then file order) must not move
        assertSameSymbols("ffffffff81000000 T _b\nffffffff81000000 T _a\nffffffff80000000 T x\n");
        assertSameSymbols("ffffffff81000000 T _a\nffffffff81000000 T _b\nffffffff80000000 T x\n");
    }

    @Test
    void hostileLinesCountAsBefore() throws Exception {
        String huge = "n".repeat(100_000);
        String text = String.join("\n",
                "ffffffffa0000000 T good_one",
                "",
                "   ",
                "\t",
                " ffffffffa0000010 T leading_blank",
                "ffffffffa0000020",
                "ffffffffa0000030 T",
                "ffffffffa0000040 T ",
                "ffffffffa0000050 TT two_letter_type",
                "ffffffffa0000060 D data_is_not_code",
                "11112222333344445555 T too_long",
                "ffffffffffffffff T all_ones",
                "+fffffffa0000070 T plus_sign",
                "+ T plus_alone",
                "-fffffffa0000080 T minus_sign",
                "zzzz T bad_address",
                "0xffffa000 T hex_prefix",
                "ffffffffa0000090 t in_module\t[ext4]",
                "ffffffffa00000a0 t in_module2 [ext4]",
                "ffffffffa00000b0 t other [nf_tables] trailing",
                "ffffffffa00000c0 t half_bracket [ext4",
                "ffffffffa00000d0 t lone_bracket [",
                "ffffffffa00000e0 t empty_brackets []",
                "ffffffffa00000f0 t not_a_module ext4]",
                "ffffffffa0000100 w weak_sym",
                "ffffffffa0000110 W weak_global  \t ",
                "ffffffffa0000120 t cr_name\r",
                "ffffffffa0000130 t latin1_\u00e9\u00ff",
                "ffffffffa0000140 t " + huge,
                "ffffffffa0000150\tt\ttabs\t\t[tabmod]",
                "FFFFFFFFA0000160 T upper_hex",
                "ffffffffa0000170 \u00e9 latin1_type",
                "ffffffffa0000180 t last_without_newline");
        assertSameSymbols(text);
        assertSameSymbols(text + "\n\n\n");
        assertSameSymbols("");
        assertSameSymbols("\n\n");
        KernelSymbols k = KernelSymbols.parse(text);
        assertEquals(huge, k.resolve(0xffffffffa0000141L).orElseThrow().name());
        assertEquals("[ext4]", k.resolve(0xffffffffa00000a4L).orElseThrow().module());
        assertSame(k.resolve(0xffffffffa0000090L).orElseThrow().module(), k.resolve(0xffffffffa00000a0L).orElseThrow().module(),
                "one string per run of a module's lines");
        assertEquals("[tabmod]", k.resolve(0xffffffffa0000150L).orElseThrow().module());
    }

    @Test
    void twoConsumersShareOneLoad(@TempDir Path proc) throws Exception {
        Files.writeString(proc.resolve("kallsyms"), SymbolParsersTest.resource("kallsyms-slice"));
        long before = KernelSymbols.loads();
        KernelSymbols first = KernelSymbols.shared(proc);
        KernelSymbols second = KernelSymbols.shared(proc.resolve(".").resolve("sub").resolve(".."));
        assertSame(first, second, "one table for one proc root");
        assertEquals(before + 1, KernelSymbols.loads(), "kallsyms read once");
        KernelSymbols fresh = KernelSymbols.read(proc);
        assertNotEquals(first, fresh, "read() still reads");
        assertEquals(before + 2, KernelSymbols.loads());
    }

    @Test
    void concurrentConsumersShareOneLoad(@TempDir Path proc) throws Exception {
        Files.writeString(proc.resolve("kallsyms"), SymbolParsersTest.resource("kallsyms-slice"));
        long before = KernelSymbols.loads();
        KernelSymbols[] got = new KernelSymbols[4];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < got.length; i++) {
            int slot = i;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    got[slot] = KernelSymbols.shared(proc);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        for (KernelSymbols k : got) {
            assertSame(got[0], k);
        }
        assertEquals(before + 1, KernelSymbols.loads());
    }

    @Test
    void failedSharedLoadIsNotRemembered(@TempDir Path proc) throws Exception {
        assertThrows(IOException.class, () -> KernelSymbols.shared(proc));
        Files.writeString(proc.resolve("kallsyms"), "ffffffff81000000 T _stext\n");
        assertEquals(1, KernelSymbols.shared(proc).size());
        Files.writeString(proc.resolve("kallsyms"), "0000000000000000 T _stext\n");
        Path hidden = Files.createDirectory(proc.resolve("hidden"));
        Files.writeString(hidden.resolve("kallsyms"), "0000000000000000 T _stext\n");
        IOException e = assertThrows(IOException.class, () -> KernelSymbols.shared(hidden));
        assertTrue(e.getMessage().contains("kptr_restrict"), e.getMessage());
    }
}
