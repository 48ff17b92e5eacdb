package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * --help names each option as the libbpf-tools binary's --help does (argp's "-p, --pid=PID"), read from the installed
 * peer in /usr/sbin: an option we share under both names is listed under both on one line. Before, -p was shown as
 * "-p=PID" and the global --pid on a line of its own.
 */
class HelpLikeLibbpfToolsTest {
    /** argp's option line: two spaces, "-x, --long" (optionally "=LABEL"), then the description. */
    private static final Pattern ARGP = Pattern.compile("^  (-[A-Za-z?]), (--[a-z][a-z-]*)(=\\S+)?(\\s|$)");

    @ParameterizedTest
    @ValueSource(strings = {"execsnoop", "opensnoop", "biolatency", "runqlat", "syscount"})
    void optionsSharedWithTheLibbpfToolAreNamedAsItNamesThem(String tool) throws Exception {
        Path peer = Path.of("/usr/sbin", tool);
        Requirements.require(Files.isExecutable(peer), peer + " (libbpf-tools) is not installed");
        Process p = new ProcessBuilder(peer.toString(), "--help").redirectErrorStream(true).start();
        String theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Cli ours = Cli.run(tool, "--help");
        assertEquals(0, ours.code(), ours.err());
        List<String> checked = new ArrayList<>();
        for (String line : theirs.lines().toList()) {
            Matcher m = ARGP.matcher(line);
            if (!m.find() || m.group(1).equals("-?") || m.group(1).equals("-V") || m.group(1).equals("-v")) {
                continue; // help, version and libbpf's verbose output are not tool options
            }
            String shortName = m.group(1);
            String longName = m.group(2);
            if (theirs.lines().filter(l -> ARGP.matcher(l).find() && Pattern.compile(", " + Pattern.quote(longName) + "(=|\\s|$)").matcher(l).find()).count() > 1) {
                continue; // biolatency names both -d DISK and -D "--disk": argp takes the first, ours -D only
            }
            boolean hasShort = ours.out().lines().anyMatch(l -> l.matches("^\\s+" + Pattern.quote(shortName) + "[,= ].*"));
            boolean hasLong = ours.out().lines().anyMatch(l -> l.matches("^\\s+(-\\S, )?" + Pattern.quote(longName) + "([= ].*|$)"));
            if (hasShort && hasLong) {
                String both = shortName + ", " + longName;
                assertTrue(ours.out().lines().anyMatch(l -> l.stripLeading().startsWith(both)),
                        tool + ": '" + both + "' as " + peer + " lists it, on one line:\n" + ours.out());
                checked.add(both);
            }
        }
        assertFalse(ours.out().lines().anyMatch(l -> l.stripLeading().startsWith("-p=")), ours.out());
        // a short-only option with a value is written as argp writes it, "-d DISK" (argp reads "-d=sda" as the
        // disk "=sda"): never picocli's "-d=DISK"
        assertFalse(ours.out().lines().anyMatch(l -> l.matches("^\\s+-[A-Za-z]=.*")), ours.out());
        if (theirs.contains("-p, --pid=PID")) {
            assertTrue(checked.contains("-p, --pid"), tool + ": " + checked);
            assertEquals(1, ours.out().lines().filter(l -> l.contains("--pid=PID") && !l.contains("[")).count(), ours.out());
        }
    }
}
