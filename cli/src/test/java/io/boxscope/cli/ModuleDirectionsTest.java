package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The dependency directions of DEVELOPERS.md. javac enforces module-info's requires; this test
 * pins each module-info to the allowed table so that a new `requires` is a deliberate change here.
 */
class ModuleDirectionsTest {
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "bpf", Set.of(),
            "proc", Set.of(),
            "bench", Set.of("proc"),
            "mem", Set.of("proc"),
            "trace", Set.of("bpf", "proc"),
            "probe", Set.of("bpf", "proc"),
            "tools", Set.of("probe", "proc"),
            "diagnose", Set.of("bench", "mem", "trace", "probe", "tools", "proc", "bpf"),
            "cli", Set.of("bench", "mem", "trace", "probe", "tools", "diagnose", "proc", "bpf"));
    private static final Pattern REQUIRES = Pattern.compile("requires\\s+(?:transitive\\s+|static\\s+)*io\\.boxscope\\.(\\w+)\\s*;");

    @Test
    void everyModuleRequiresOnlyWhatItMay() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        for (var e : ALLOWED.entrySet()) {
            Path info = root.resolve(e.getKey()).resolve("src/main/java/module-info.java");
            String text = Files.readString(info).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
            Set<String> required = new TreeSet<>();
            Matcher m = REQUIRES.matcher(text);
            while (m.find()) {
                required.add(m.group(1));
            }
            Set<String> illegal = new TreeSet<>(required);
            illegal.removeAll(e.getValue());
            assertEquals(Set.of(), illegal, e.getKey() + " may not depend on " + illegal + " (DEVELOPERS.md)");
            if (e.getKey().equals("cli") || e.getKey().equals("diagnose") || e.getKey().equals("tools")) {
                // These use everything they may: a regex that stopped matching would show here.
                assertEquals(new TreeSet<>(e.getValue()), required, e.getKey() + "'s module-info");
            }
        }
        String probe = Files.readString(root.resolve("probe/src/main/java/module-info.java"));
        assertTrue(probe.contains("requires transitive io.boxscope.bpf;"),
                "probe re-exports bpf for tools (DEVELOPERS.md)");
    }
}
