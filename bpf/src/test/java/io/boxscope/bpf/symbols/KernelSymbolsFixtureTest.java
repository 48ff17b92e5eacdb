package io.boxscope.bpf.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The byte parser against answers written once by the parser it replaced (main at ff61393, {@code MakeExpected.java}
 * beside the fixtures, never run with the code under test): for every address of each fixture and its neighbours
 * (a-1, a, a+1, a+0x37), five edge addresses and 2,000 pseudo-random kernel-text addresses, the symbol, start,
 * offset, module and aliases; and every name's address. Fixtures: {@code kallsyms-slice} (4,300 lines of this
 * machine's /proc/kallsyms, kernel 6.18), {@code kallsyms} (its start and the ftrace trampoline), and
 * {@code kallsyms-hostile} (truncated last line, non-hex, a 20,000-byte name, non-UTF-8 and NUL bytes, unsorted
 * module runs, several names at one address, a BPF program).
 */
class KernelSymbolsFixtureTest {
    static byte[] bytes(String name) throws Exception {
        try (InputStream in = KernelSymbolsFixtureTest.class.getResourceAsStream("/io/boxscope/bpf/symbols/" + name)) {
            return in.readAllBytes();
        }
    }

    static List<String> expected(String fixture) throws Exception {
        try (InputStream in = new GZIPInputStream(KernelSymbolsFixtureTest.class.getResourceAsStream(
                "/io/boxscope/bpf/symbols/" + fixture + ".expected.gz"))) {
            return Arrays.asList(new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n"));
        }
    }

    /** Undoes MakeExpected's escaping: {@code \xNN} is the byte NN (as an ISO-8859-1 char). */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\' && i + 3 < s.length() && s.charAt(i + 1) == 'x') {
                b.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                b.append(s.charAt(i));
            }
        }
        return b.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"kallsyms-slice", "kallsyms", "kallsyms-hostile"})
    void everyAddressAndNameAsTheOldParserAnswered(String fixture) throws Exception {
        KernelSymbols k = KernelSymbols.parse(bytes(fixture));
        List<String> lines = expected(fixture);
        String[] head = lines.getFirst().split(" ");
        assertEquals(Integer.parseInt(head[1]), k.size(), "text symbols kept");
        assertEquals(Integer.parseInt(head[3]), k.skipped(), "lines skipped");
        int resolves = 0;
        int addresses = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ");
            if (f[0].equals("resolve")) {
                long a = Long.parseUnsignedLong(f[1], 16);
                Optional<Symbol> got = k.resolve(a);
                if (f[2].equals("-")) {
                    assertTrue(got.isEmpty(), () -> line + " got " + got);
                } else {
                    Symbol s = got.orElseThrow(() -> new AssertionError(line + " got nothing"));
                    List<String> aliases = new ArrayList<>();
                    for (int i = 6; i < f.length; i++) {
                        aliases.add(unescape(f[i]));
                    }
                    assertEquals(new Symbol(unescape(f[5]), Long.parseUnsignedLong(f[2], 16), Long.parseUnsignedLong(f[3], 16),
                            unescape(f[4]), aliases), s, line);
                }
                resolves++;
            } else {
                assertEquals("address", f[0], line);
                Optional<Long> got = k.address(unescape(f[1]));
                assertEquals(f[2].equals("-") ? Optional.empty() : Optional.of(Long.parseUnsignedLong(f[2], 16)), got, line);
                addresses++;
            }
        }
        assertTrue(resolves > 2000 && addresses > 10, resolves + " resolves, " + addresses + " names");
    }

    @Test
    void hostileFixtureKeepsItsOddBytes() throws Exception {
        KernelSymbols k = KernelSymbols.parse(bytes("kallsyms-hostile"));
        assertEquals("latin1_\u00e9\u00ff\u00fe", k.resolve(0xffffffffa0000131L).orElseThrow().name());
        assertEquals("nul_\u0000_inside", k.resolve(0xffffffffa0000179L).orElseThrow().name());
        assertEquals(20_000, k.resolve(0xffffffffa0000141L).orElseThrow().name().length());
        assertEquals("[bpf]", k.resolve(0xffffffffc0a00900L).orElseThrow().module());
    }

    @Test
    void emptyAndNewlineOnlyInput() {
        assertEquals(0, KernelSymbols.parse(new byte[0]).size());
        assertEquals(0, KernelSymbols.parse(new byte[0]).skipped());
        assertTrue(KernelSymbols.parse("\n\n\n").resolve(0xffffffff81000000L).isEmpty());
        assertEquals(1, KernelSymbols.parse("ffffffff8100").skipped(), "a file cut inside its only line");
    }

    @Test
    void textBeyondLatin1IsRefusedNotMangled() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelSymbols.parse("ffffffff81000000 T caf\u20ac\n"));
        assertTrue(e.getMessage().contains("U+20ac"), e.getMessage());
    }

    @Test
    void stableSortKeepsFileOrderOfEqualKeys() {
        // reversed runs with ties, longer than the insertion-sort cut-off, unsigned (high bit set sorts last)
        int n = 1000;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = (i % 3 == 0 ? 0x8000000000000000L : 0) + (n - i) / 4;
        }
        int[] order = StableSort.byUnsigned(keys, n);
        for (int i = 1; i < n; i++) {
            int c = Long.compareUnsigned(keys[order[i - 1]], keys[order[i]]);
            assertTrue(c < 0 || (c == 0 && order[i - 1] < order[i]), "position " + i);
        }
        assertEquals(n, Arrays.stream(order).distinct().count());
    }
}
