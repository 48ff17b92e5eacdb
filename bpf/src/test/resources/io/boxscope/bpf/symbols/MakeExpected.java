// Writes FIXTURE.expected.gz: what KernelSymbols answers for every address of a kallsyms fixture and its
// neighbours (a-1, a, a+1, a+0x37), five edge addresses, 2,000 pseudo-random kernel-text addresses (seed 42),
// and address(name) for every name in the fixture. Run ONCE with the parser being replaced on the class path
// (main at ff61393, before KernelSymbols kept names as byte offsets), never with the code under test:
//   java -cp bpf/target/classes bpf/src/test/resources/io/boxscope/bpf/symbols/MakeExpected.java FIXTURE...
// Names are written with bytes < 0x20, 0x7f-0xff and '\' as \xNN (the file is ASCII).
import io.boxscope.bpf.symbols.KernelSymbols;
import io.boxscope.bpf.symbols.Symbol;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

void main(String[] args) throws Exception {
    for (String a : args) {
        Path f = Path.of(a);
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        KernelSymbols k = KernelSymbols.parse(text);
        StringBuilder out = new StringBuilder();
        out.append("size ").append(k.size()).append(" skipped ").append(k.skipped()).append('\n');
        Set<Long> probes = new LinkedHashSet<>(List.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE));
        Set<String> names = new LinkedHashSet<>();
        for (String line : text.split("\n")) {
            String[] t = line.split("[ \t]+");
            if (t.length >= 3 && !t[0].isEmpty() && t[0].length() <= 16) {
                try {
                    long v = Long.parseUnsignedLong(t[0], 16);
                    for (long d : new long[] {-1, 0, 1, 0x37}) {
                        probes.add(v + d);
                    }
                } catch (NumberFormatException e) {
                    // not an address
                }
                names.add(t[2]);
            }
        }
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            probes.add(0xffffffff80000000L + (r.nextLong() & 0x7fffffffL));
        }
        for (long p : probes) {
            out.append("resolve ").append(Long.toHexString(p));
            Optional<Symbol> s = k.resolve(p);
            if (s.isEmpty()) {
                out.append(" -\n");
                continue;
            }
            Symbol y = s.get();
            out.append(' ').append(Long.toHexString(y.start())).append(' ').append(Long.toHexString(y.offset()))
                    .append(' ').append(esc(y.module())).append(' ').append(esc(y.name()));
            for (String alias : y.aliases()) {
                out.append(' ').append(esc(alias));
            }
            out.append('\n');
        }
        names.add("no_such_symbol");
        for (String n : names) {
            out.append("address ").append(esc(n)).append(' ')
                    .append(k.address(n).map(Long::toHexString).orElse("-")).append('\n');
        }
        try (var z = new java.util.zip.GZIPOutputStream(Files.newOutputStream(Path.of(a + ".expected.gz")))) {
            z.write(out.toString().getBytes(StandardCharsets.US_ASCII));
        }
    }
}

static String esc(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
        if (c < 0x20 || c >= 0x7f || c == '\\' || c == ' ') {
            b.append(String.format("\\x%02x", (int) c));
        } else {
            b.append(c);
        }
    }
    return b.toString();
}
