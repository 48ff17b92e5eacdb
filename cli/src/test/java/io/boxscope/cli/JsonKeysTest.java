package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.Docker;
import io.boxscope.testkit.DockerTest;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command's {@code --json}, run as a user would, walked key by key against docs/json.md:
 * snake_case keys, sizes and durations with their unit, streams as one JSON object per line. A
 * command added to {@link Commands} without a run here fails {@link #everyCommandIsCovered}.
 */
class JsonKeysTest {
    static final Pattern KEY = Pattern.compile("^[a-z][a-z0-9]*(_[a-z0-9]+)*$");

    /** Unit suffixes (docs/json.md): sizes, durations. */
    static final Set<String> UNITS = Set.of("bytes", "kb", "ns", "us", "ms", "s");

    /** Last words that measure a size or a duration: a number under such a key needs a unit after it. */
    static final Set<String> MEASURED = Set.of("size", "rss", "pss", "uss", "vsz", "swap", "usage", "peak", "memory", "time",
            "duration", "latency", "elapsed", "interval", "period", "timeout", "delay", "wait");

    /** Spellings of units that docs/json.md replaces by the suffixes above. */
    static final Set<String> FOREIGN_UNITS = Set.of("nanos", "nsec", "nsecs", "usec", "usecs", "msec", "msecs", "sec", "secs",
            "seconds", "millis", "micros", "kib", "mib", "gib", "kbytes", "mbytes");

    /** Objects whose keys are the kernel's own names (memory.stat, memory.events), kept verbatim. */
    static final Set<String> VERBATIM = Set.of("stat", "events", "counters");

    /** Leaf commands run below; {@code completion} prints a script, never JSON. */
    static final Set<String> COVERED = new TreeSet<>();
    static final Set<String> NO_JSON = Set.of("completion", "serve", "sysbench"); // serve speaks the Prometheus exposition format; sysbench prints exactly what sysbench 1.0.20 prints, which has no JSON

    /**
     * {@code demo} is checked through what it prints ({@link ContainerViews#json} of every
     * container and of its own): it runs a container with a fixed name, which a test may not.
     */
    static final Set<String> CHECKED_ELSEWHERE = Set.of("demo");

    static String self() {
        return Long.toString(ProcessHandle.current().pid());
    }

    /** Runs {@code args}, expects exit 0 and one JSON document; checks every key. */
    static Object document(String command, String... args) {
        COVERED.add(command);
        Cli r = Cli.run(args);
        assertEquals(0, r.code(), () -> String.join(" ", args) + ": " + r.err());
        Object doc = Json.parse(r.out());
        List<String> problems = new ArrayList<>();
        walk(doc, "", false, problems);
        if (!problems.isEmpty()) {
            fail(String.join(" ", args) + ":\n  " + String.join("\n  ", problems));
        }
        return doc;
    }

    /** Checks every key below {@code v}; {@code path} names where, for the message. */
    static void walk(Object v, String path, boolean unitGiven, List<String> problems) {
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = (String) e.getKey();
                String where = path.isEmpty() ? key : path + "." + key;
                String problem = keyProblem(key, e.getValue(), unitGiven);
                if (problem != null) {
                    problems.add(where + ": " + problem);
                }
                boolean unit = unitGiven || UNITS.contains(last(key)) || VERBATIM.contains(key);
                walk(e.getValue(), where, unit, problems);
            }
        } else if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                walk(l.get(i), path + "[" + i + "]", unitGiven, problems);
            }
        }
    }

    /** Why {@code key} breaks docs/json.md's rules, or null. */
    static String keyProblem(String key, Object value, boolean unitGiven) {
        if (!KEY.matcher(key).matches()) {
            return "not snake_case";
        }
        String last = last(key);
        if (FOREIGN_UNITS.contains(last)) {
            return "unit spelled '" + last + "': use _bytes, _kb, _ns, _us, _ms or _s";
        }
        if (!unitGiven && value instanceof Number && MEASURED.contains(last)) {
            return "a size or duration without its unit: end it in _bytes, _kb, _ns, _us, _ms or _s";
        }
        return null;
    }

    private static String last(String key) {
        return key.substring(key.lastIndexOf('_') + 1);
    }

    @Test
    void theRulesCatchWhatTheyShould() {
        assertTrue(keyProblem("shortId", "x", false) != null);
        assertTrue(keyProblem("report-interval", 1, false) != null);
        assertTrue(keyProblem("Private_Clean", 1, false) != null);
        assertTrue(keyProblem("throttled_nanos", 1, false) != null);
        assertTrue(keyProblem("latency", 1.5, false) != null);
        assertTrue(keyProblem("file_size", 1, false) != null);
        assertTrue(keyProblem("rss", 1, true) == null, "under a key with a unit (fields_kb.rss)");
        assertTrue(keyProblem("time", "12:00:01", false) == null, "a time of day is not a duration");
        assertTrue(keyProblem("rss_kb", 1, false) == null);
        assertTrue(keyProblem("mib_per_second", 1.0, false) == null);
        List<String> problems = new ArrayList<>();
        walk(Json.parse("{\"a\":[{\"cpuPeriodUs\":1}],\"fields_kb\":{\"swap\":1}}"), "", false, problems);
        assertEquals(List.of("a[0].cpuPeriodUs: not snake_case"), problems);
    }

    @Test
    void traceFieldListingAndFilterCheck() {
        document("trace", "--json", "trace", "-lv");
        document("trace", "--json", "trace", "--check-filter", "proc.name=sh and evt.type in (open, openat) and evt.failed=true");
    }

    @Test
    void containersAndProcesses() {
        document("containers", "containers", "--json");
        document("containers", "--json", "containers", "--pid", self());
    }

    @Test
    void mem() throws Exception {
        document("mem pmap", "mem", "pmap", "--json", self());
        Process child = new ProcessBuilder("sleep", "60").start();
        try {
            document("mem pmap", "mem", "pmap", "-XX", "--json", self(), Long.toString(child.pid()));
        } finally {
            child.destroyForcibly();
        }
        document("mem smaps", "mem", "smaps", "--json", self());
        document("mem rollup", "mem", "rollup", "--json", self());
        for (String by : List.of("process", "container", "user")) {
            document("mem top", "mem", "top", "--by", by, "--json");
        }
    }

    @Test
    void bench(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        document("bench cpu", "bench", "cpu", "--json", "--time=1", "--report-interval=0.4", "--histogram", "--cpu-max-prime=2000",
                "--save=" + a);
        document("bench cpu", "bench", "cpu", "--json", "--events=50", "--runs=2", "--cpu-max-prime=3000", "--save=" + b);
        document("bench compare", "bench", "compare", "--json", a.toString(), b.toString());
        // the saved files are what --json prints: the same rules
        List<String> problems = new ArrayList<>();
        walk(Json.parse(Files.readString(a)), "", false, problems);
        assertEquals(List.of(), problems);
        document("bench memory", "bench", "memory", "--json", "--memory-total-size=1M", "--rate=0");
        document("bench threads", "bench", "threads", "--json", "--events=20");
        document("bench mutex", "bench", "mutex", "--json", "--mutex-locks=100", "--mutex-loops=0");
        String[] files = {"--file-dir=" + dir, "--file-num=2", "--file-total-size=256K"};
        document("bench fileio", cat(new String[] {"bench", "fileio", "prepare", "--json"}, files));
        document("bench fileio", cat(new String[] {"bench", "fileio", "run", "--json", "--file-test-mode=rndrw", "--events=50",
                "--rate=0"}, files));
        document("bench fileio", cat(new String[] {"bench", "fileio", "cleanup", "--json"}, files));
    }

    @Test
    @KernelTest
    void kernelCommands() {
        document("bpf features", "bpf", "features", "--json");
        document("probe", "probe", "-lv", "--json", "tracepoint:sched:sched_switch");
        // -v's end-of-run counter of container values no runtime names (BEGIN's cgroup is this JVM's): a stream
        Cli probe = Cli.run("probe", "-v", "-f", "json", "-e", "BEGIN { printf(\"%s\\n\", container); exit(); }");
        assertEquals(0, probe.code(), probe.err());
        assertTrue(probe.out().contains("\"container_misses\""), probe.out());
        for (String line : probe.out().lines().filter(l -> !l.isBlank()).toList()) { // bpftrace's blank lines before the maps
            List<String> problems = new ArrayList<>();
            walk(Json.parse(line), "", false, problems);
            assertEquals(List.of(), problems, line);
        }
        document("syscount", "syscount", "--json", "-d", "1", "-L", "-p", self());
        document("syscount", "syscount", "--json", "-d", "1", "-P");
        document("syscount", "syscount", "--json", "-l");
        document("biolatency", "biolatency", "--json", "-D", "-F", "1", "1");
        document("biolatency", "biolatency", "--json", "-m", "-T", "1", "1");
        document("runqlat", "runqlat", "--json", "-P", "1", "1");
        document("runqlat", "runqlat", "--json", "-L", "-m", "1", "1");
        document("cachestat", "cachestat", "--json", "1", "1");
        document("bitesize", "bitesize", "--json", "-T", "1", "1");
        document("cpudist", "cpudist", "--json", "-P", "1", "1");
        document("cpudist", "cpudist", "--json", "-O", "-m", "1", "1");
        document("funccount", "funccount", "--json", "-d", "1", "-T", "t:syscalls:sys_enter_getpid");
        document("profile", "profile", "--json", "-F", "99", "1");
        document("offcputime", "offcputime", "--json", "-p", self(), "1");
        document("hardirqs", "hardirqs", "--json", "1", "1");
        document("hardirqs", "hardirqs", "--json", "-C", "-T", "1", "1");
        document("hardirqs", "hardirqs", "--json", "-d", "-N", "1", "1");
        document("softirqs", "softirqs", "--json", "-C", "-T", "1", "1");
        document("softirqs", "softirqs", "--json", "-d", "-N", "1", "1");
        document("runqlen", "runqlen", "--json", "-C", "-T", "1", "1");
        document("runqlen", "runqlen", "--json", "-O", "-H", "1", "1");
    }

    /** biosnoop streams one object per I/O: each line is walked (a direct write makes sure there are some). */
    @Test
    @KernelTest
    void biosnoopStreamsOneObjectPerIo() throws Exception {
        COVERED.add("biosnoop");
        java.nio.file.Path f = java.nio.file.Files.createTempFile("boxscope-jsonkeys", ".dat");
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < 30; i++) {
                    Thread.sleep(200);
                    new ProcessBuilder("dd", "if=/dev/zero", "of=" + f, "bs=64k", "count=4", "oflag=direct", "status=none")
                            .start().waitFor();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            Cli r = Cli.run("biosnoop", "--json", "-Q", "3");
            assertEquals(0, r.code(), r.err());
            List<String> lines = r.out().lines().toList();
            assertTrue(lines.size() >= 1, "direct writes ran during the run: " + r.out());
            for (String line : lines) {
                List<String> problems = new ArrayList<>();
                walk(Json.parse(line), "", false, problems);
                assertEquals(List.of(), problems, line);
            }
        } finally {
            writer.join();
            java.nio.file.Files.deleteIfExists(f);
        }
    }

    /** A stream prints one JSON object per line (NDJSON): syscount with an interval. */
    @Test
    @KernelTest
    void syscountStreamsOneObjectPerLine() {
        COVERED.add("syscount");
        Cli r = Cli.run("syscount", "--json", "-i", "1", "-d", "3", "-T", "3");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        for (String line : lines) {
            Map<String, Object> o = Json.asObject(Json.parse(line));
            assertTrue(o.containsKey("syscalls") && o.containsKey("time") && o.containsKey("dropped"), line);
            List<String> problems = new ArrayList<>();
            walk(o, "", false, problems);
            assertEquals(List.of(), problems, line);
        }
    }

    /**
     * The per-event tools (execsnoop, ...) stream one JSON object per event: each runs for 2 s while
     * this test makes the events it traces (a workload per tool), and every line is walked.
     */
    @Test
    @KernelTest
    void toolsStreamOneObjectPerEvent() throws Exception {
        Runnable exec = () -> run("/bin/true");
        tool("execsnoop", exec, "execsnoop", "--json", "-d", "2", "-x");
        tool("opensnoop", () -> run("/bin/cat", "/nonexistent-jsonkeys"), "opensnoop", "--json", "-d", "2", "-x", "-n", "cat");
        tool("exitsnoop", () -> run("/bin/false"), "exitsnoop", "--json", "-d", "2", "-x");
        tool("tcpconnect", () -> {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", 9), 1000);
            } catch (java.io.IOException refused) {
                // a refused connect was still attempted: the event is there
            }
        }, "tcpconnect", "--json", "-d", "2", "-p", self());
        tool("tcpconnect", () -> {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress("127.0.0.1", 9), 1000);
            } catch (java.io.IOException refused) {
                // a refused connect was still attempted: it is counted
            }
        }, "tcpconnect", "-c", "--json", "-d", "2", "-p", self());
        tool("killsnoop", () -> run("/bin/kill", "-0", "4194305"), "killsnoop", "--json", "-d", "2", "-x");
        // each child's exit generates a SIGCHLD for this JVM, sent by the child
        tool("sigsnoop", () -> run("/bin/true"), "sigsnoop", "--json", "-d", "2", "-s", "CHLD");
        tool("statsnoop", () -> run("/bin/ls", "/nonexistent-jsonkeys"), "statsnoop", "--json", "-d", "2", "-x");
        tool("tcplife", () -> {
            try (java.net.ServerSocket server = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"));
                 java.net.Socket s = new java.net.Socket()) {
                s.connect(server.getLocalSocketAddress(), 1000);
                server.accept().close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "tcplife", "--json", "-d", "2", "-p", self());
        tool("filetop", () -> run("/bin/cat", "/etc/hostname"), "filetop", "--json", "-a", "1", "2");
    }

    /**
     * oomkill streams one object per kill: {@code tail /dev/zero} in a 32 MiB memory cgroup of the
     * test's own (v1's memory controller where it is mounted, else v2's memory.max), killed again
     * and again while the tool runs.
     */
    @Test
    @KernelTest
    void oomkillStreamsOneObjectPerKill() throws Exception {
        String name = "boxscope-test-jsonkeys-oom-" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
        Path memcg = MemoryCgroup.create(name);
        try {
            tool("oomkill", () -> run("sh", "-c", "echo $$ > " + memcg.resolve("cgroup.procs") + " && exec tail /dev/zero"),
                    "oomkill", "--json", "-d", "3");
        } finally {
            MemoryCgroup.remove(memcg);
        }
    }

    private static void run(String... command) {
        try {
            new ProcessBuilder(command).start().waitFor();
        } catch (java.io.IOException e) {
            // a failed exec is an event too (execsnoop -x, opensnoop -x)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code args} while {@code workload} repeats; expects exit 0, at least one line, and checks each line's keys. */
    static void tool(String command, Runnable workload, String... args) throws Exception {
        COVERED.add(command);
        java.util.concurrent.atomic.AtomicReference<Cli> result = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(() -> result.set(Cli.run(args)));
        t.start();
        while (t.isAlive()) {
            workload.run();
            t.join(50);
        }
        Cli r = result.get();
        assertEquals(0, r.code(), () -> String.join(" ", args) + ": " + r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(!lines.isEmpty(), String.join(" ", args) + " printed no event");
        for (String line : lines) {
            List<String> problems = new ArrayList<>();
            walk(Json.asObject(Json.parse(line)), "", false, problems);
            assertEquals(List.of(), problems, line);
        }
    }

    @Test
    @DockerTest
    void containerCommands() {
        String name = "boxscope-test-jsonkeys-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        try (Docker.Container c = Docker.start(name, List.of("--cpus=0.5", "--memory=64m"), "sleep", "300")) {
            document("containers", "--json", "containers", "--container", name);
            document("containers", "--json", "containers", "--pid", Integer.toString(c.pid()));
            document("mem container", "mem", "container", name, "--json");
            document("diagnose", "--json", "diagnose", "--duration", "1s", name);
            Object all = document("containers", "containers", "--json");
            // demo prints ContainerViews.json of every container and of its own: these keys
            COVERED.addAll(CHECKED_ELSEWHERE);
            assertTrue(Json.asList(Json.asObject(all).get("containers")).size() >= 1);
        }
    }

    /** Every leaf command of {@link Commands} is run above (or has no JSON). */
    @AfterAll
    static void everyCommandIsCovered() {
        Set<String> leaves = new TreeSet<>();
        leaves(Commands.commandLine(), "", leaves);
        leaves.removeAll(NO_JSON);
        if (COVERED.containsAll(Set.of("containers", "mem pmap", "bench cpu"))) { // the whole class ran
            Set<String> missing = new TreeSet<>(leaves);
            missing.removeAll(COVERED);
            if (!io.boxscope.testkit.Requirements.strict()) { // a developer's run may skip the kernel and Docker tests; root and CI may not
                missing.removeAll(Set.of("bpf features", "probe", "syscount")); // @KernelTest
                missing.removeAll(io.boxscope.cli.tools.ToolCommands.ALL.stream().map(m -> m.get().name()).toList()); // @KernelTest
                missing.removeAll(Set.of("mem container", "demo", "diagnose")); // @DockerTest
            }
            assertEquals(Set.of(), missing, "commands whose --json no test walks: add them to JsonKeysTest");
        }
    }

    private static void leaves(CommandLine cl, String prefix, Set<String> out) {
        for (CommandLine sub : cl.getSubcommands().values()) { // aliases (ps) map to the same command
            String name = prefix.isEmpty() ? sub.getCommandName() : prefix + " " + sub.getCommandName();
            if (sub.getSubcommands().isEmpty()) {
                out.add(name);
            } else {
                leaves(sub, name, out);
            }
        }
    }

    private static String[] cat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
