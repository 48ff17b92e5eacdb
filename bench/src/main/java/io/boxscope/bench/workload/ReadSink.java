package io.boxscope.bench.workload;

import java.util.List;
import java.util.Set;

/**
 * The sequential read's consumer of each loaded word: HotSpot's compiler blackhole when this JVM was
 * started with one for {@link #consume}, else nothing (the read loop then keeps its XOR accumulators).
 *
 * <p>Why: a Java load whose value is unused is deleted by C2, so sysbench's event_seq_read (one
 * {@code ck_pr_load_64} per word, value discarded; src/tests/memory/sb_memory.c) needs a consumer. The
 * XOR accumulators that consume the words today cost ~10% at 1 MiB blocks, as the same XORs cost gcc's
 * own loop; a call to an empty static method that the JVM's experimental
 * {@code -XX:CompileCommand=blackhole,CLASS::METHOD} names is compiled by C2 to no instruction at all
 * while the value stays live, so the loop is sysbench's: one {@code mov} per word and a counter
 * (HotSpot's compilerOracle.cpp: the command needs -XX:+UnlockExperimentalVMOptions and a static,
 * void, empty method; JMH's Blackhole relies on it; docs/benchmarks.md, "memory at 1M").
 *
 * <p>Without that option the empty method is inlined and the load deleted, so the library decides
 * from its own JVM's arguments, conservatively: only the exact option words that boxscope's launcher
 * passes ({@code cli/src/main/launcher/jit}), before the main class or jar, count. Anything else
 * (the option given through an argument file, JAVA_TOOL_OPTIONS or a CompileCommandFile, a later
 * {@code -XX:-UnlockExperimentalVMOptions}) counts as "no blackhole": the XOR loop, slower but
 * always a real read.
 */
public final class ReadSink {
    private ReadSink() {
    }

    /** The method the launcher names in its option: this class, {@link #consume}. */
    public static final String METHOD = "io.boxscope.bench.workload.ReadSink::consume";

    private static final String UNLOCK = "-XX:+UnlockExperimentalVMOptions";
    private static final String LOCK = "-XX:-UnlockExperimentalVMOptions";

    /** The option forms HotSpot's CompileCommand parser accepts for this method's blackhole. */
    private static final Set<String> BLACKHOLE = Set.of(
            "-XX:CompileCommand=blackhole," + METHOD,
            "-XX:CompileCommand=blackhole,io.boxscope.bench.workload.ReadSink.consume",
            "-XX:CompileCommand=blackhole,io/boxscope/bench/workload/ReadSink.consume",
            "-XX:CompileCommand=blackhole,io/boxscope/bench/workload/ReadSink::consume");

    /**
     * The java launcher's options that take their value as the next word (java(1), "Standard Options"):
     * their value is skipped, not mistaken for the main class.
     */
    private static final Set<String> WITH_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p", "--module-path",
            "--upgrade-module-path", "--add-modules", "--limit-modules", "--add-reads", "--add-exports", "--add-opens",
            "--patch-module", "--enable-native-access", "--describe-module", "-d");

    private static final boolean ACTIVE = active(ProcessHandle.current().info().arguments().map(List::of)
            .orElse(List.of()));

    /**
     * Whether this JVM compiles {@link #consume} as a blackhole: decided once, from its arguments
     * (/proc/self/cmdline through {@link ProcessHandle.Info#arguments()}).
     */
    public static boolean active() {
        return ACTIVE;
    }

    /**
     * The JVM options that make {@link #consume} a blackhole, as the launcher passes them, with the launcher's
     * 64-byte loop alignment ({@code -XX:CodeEntryAlignment=64 -XX:OptoLoopAlignment=64}: C2's loops start at the
     * same place in a 64-byte block in every run; cli/src/main/launcher/jit says why): for a child JVM that runs
     * the benchmark again (bench's {@code --runs} and {@code --container} children) so it runs the same loops,
     * placed the same way, as its parent.
     */
    public static List<String> jvmOptions() {
        return List.of(UNLOCK, "-XX:CompileCommand=quiet", "-XX:CompileCommand=blackhole," + METHOD,
                "-XX:CodeEntryAlignment=64", "-XX:OptoLoopAlignment=64");
    }

    /**
     * Whether these JVM arguments (the words after the {@code java} executable, as
     * {@link ProcessHandle.Info#arguments()} gives them) make {@link #consume} a compiler blackhole: the
     * experimental options unlocked (the last of + and - wins, as in HotSpot) and the blackhole command
     * for this method, both among the JVM's options, that is before {@code -jar}, {@code -m} or the
     * main class; words after them are the program's arguments.
     */
    static boolean active(List<String> args) {
        boolean unlocked = false;
        boolean named = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-jar") || a.equals("-m") || a.equals("--module") || a.startsWith("--module=")
                    || a.equals("--source") || !a.startsWith("-") && !a.startsWith("@")) {
                break;
            }
            if (WITH_VALUE.contains(a)) {
                i++;
            } else if (a.equals(UNLOCK)) {
                unlocked = true;
            } else if (a.equals(LOCK)) {
                unlocked = false;
            } else if (BLACKHOLE.contains(a)) {
                named = true;
            }
        }
        return unlocked && named;
    }

    /**
     * Consumes one loaded word. Empty, static and void, as HotSpot's blackhole requires: with the
     * blackhole C2 keeps {@code v} live and emits nothing for the call; without it this method must
     * not be the only consumer of a load (C2 would delete the load), which {@link #active()} guards.
     */
    static void consume(long v) {
    }
}
