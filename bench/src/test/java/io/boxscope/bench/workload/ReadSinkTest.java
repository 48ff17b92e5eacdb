package io.boxscope.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.bench.engine.Worker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The sequential read's consumer: the blackhole loop only in a JVM started with the launcher's
 * blackhole words (cli/src/main/launcher/jit; cli's LauncherChoiceTest checks the launcher passes
 * these words), the XOR loop otherwise, decided from the JVM's own arguments. Never a timing.
 */
class ReadSinkTest {
    /** The words cli/src/main/launcher/jit adds for bench memory and sysbench memory. */
    private static final List<String> LAUNCHER_WORDS = List.of("-XX:+UnlockExperimentalVMOptions",
            "-XX:CompileCommand=quiet", "-XX:CompileCommand=blackhole," + ReadSink.METHOD,
            "-XX:CodeEntryAlignment=64", "-XX:OptoLoopAlignment=64");

    /** The JVM arguments ./boxscope gives for these launcher words and program arguments. */
    private static List<String> launcher(List<String> jit, String... program) {
        List<String> a = new ArrayList<>(List.of("@/opt/boxscope/cli/src/main/launcher/jvm.options",
                "-XX:AOTCache=/opt/boxscope/cli/target/boxscope.aot"));
        a.addAll(jit);
        a.addAll(List.of("-jar", "/opt/boxscope/cli/target/boxscope.jar"));
        a.addAll(List.of(program));
        return a;
    }

    @Test
    void theLaunchersArgumentsForMemoryTurnTheBlackholeOnOthersDoNot() {
        assertTrue(ReadSink.active(launcher(LAUNCHER_WORDS, "bench", "memory")));
        assertFalse(ReadSink.active(launcher(List.of(), "bench", "memory")), "bench cpu's arguments: no jit words");
        assertFalse(ReadSink.active(launcher(List.of("-XX:TieredStopAtLevel=1"), "mem", "pmap", "1")));
        // the method named but experimental options not unlocked: HotSpot rejects the command
        assertFalse(ReadSink.active(launcher(LAUNCHER_WORDS.subList(1, 3), "bench", "memory")));
        // unlocked, then locked again: the last one wins in HotSpot
        List<String> relocked = new ArrayList<>(LAUNCHER_WORDS);
        relocked.add("-XX:-UnlockExperimentalVMOptions");
        assertFalse(ReadSink.active(launcher(relocked, "bench", "memory")));
        // another method's blackhole
        assertFalse(ReadSink.active(launcher(List.of("-XX:+UnlockExperimentalVMOptions",
                "-XX:CompileCommand=blackhole,io.boxscope.bench.workload.ReadSink::consumeAll"), "bench", "memory")));
        // the words as the program's arguments (after -jar's file, after a main class) are not the JVM's
        List<String> program = new ArrayList<>(List.of("bench", "memory"));
        program.addAll(LAUNCHER_WORDS);
        assertFalse(ReadSink.active(launcher(List.of(), program.toArray(String[]::new))));
        List<String> mainClass = new ArrayList<>(List.of("-cp", "/x.jar", "io.example.Main"));
        mainClass.addAll(LAUNCHER_WORDS);
        assertFalse(ReadSink.active(mainClass));
        // a class path's value is skipped, not taken for the main class; JMH-style slash form accepted
        assertTrue(ReadSink.active(List.of("-cp", "/x.jar", "-XX:+UnlockExperimentalVMOptions",
                "-XX:CompileCommand=blackhole,io/boxscope/bench/workload/ReadSink.consume", "io.example.Main")));
        assertFalse(ReadSink.active(List.of()), "no arguments known");
    }

    @Test
    void aChildJvmGetsTheLaunchersWordsSoItReadsAsItsParent() {
        // bench's --runs and --container children are started with these (cli ContainerRun.javaCommand)
        assertEquals(LAUNCHER_WORDS, ReadSink.jvmOptions());
        List<String> child = new ArrayList<>(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=4"));
        child.addAll(ReadSink.jvmOptions());
        child.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", "/x.jar", "io.boxscope.cli.Main", "bench", "memory"));
        assertTrue(ReadSink.active(child));
    }

    @Test
    void thisTestJvmHasNoBlackholeAndReadsThroughTheXorLoop() {
        // surefire starts this JVM without the blackhole words (pom.xml's argLine)
        assertFalse(ReadSink.active());
        Worker w = new MemoryWorkload(4096, 0, MemoryWorkload.Scope.LOCAL, MemoryWorkload.Oper.READ,
                MemoryWorkload.Access.SEQ, 1).worker(0);
        assertEquals(MemoryWorkload.SeqRead.class, w.getClass());
    }

    /**
     * A JVM started with the launcher's words: the library sees the blackhole, picks the blackhole
     * loop, and HotSpot accepts the command for this method (no warning that it is not static, void
     * and empty when the class links; the loop runs compiled past C2's thresholds). Without the
     * words the same program picks the XOR loop.
     */
    @Test
    void aJvmStartedWithTheLaunchersWordsPicksTheBlackholeLoop() throws Exception {
        String with = child(LAUNCHER_WORDS);
        assertTrue(with.lines().anyMatch("active=true worker=SeqSinkRead events=20000"::equals), with);
        // C2 (tier 4) compiled the blackhole loop, and every compiled call of consume is HotSpot's blackhole
        // intrinsic (C1 prints "intrinsic", C2 "(intrinsic)"), never an inlined empty method ("inline (hot)",
        // which would let C2 delete the word's load)
        assertTrue(with.lines().anyMatch(l -> TIER4.matcher(l).find() && l.contains("$SeqSinkRead::execute")), with);
        List<String> calls = with.lines().filter(l -> l.contains("@ ") && l.contains("ReadSink::consume")).toList();
        assertFalse(calls.isEmpty(), with);
        assertTrue(calls.stream().allMatch(l -> l.strip().endsWith("intrinsic") || l.strip().endsWith("(intrinsic)")), String.join("\n", calls));
        // the random read too: its sink loop compiled by C2, with the blackhole
        assertTrue(with.lines().anyMatch("active=true rnd worker=RndSinkRead events=20000"::equals), with);
        assertTrue(with.lines().anyMatch(l -> TIER4.matcher(l).find() && l.contains("$RndSinkRead::execute")), with);
        String without = child(List.of());
        assertTrue(without.lines().anyMatch("active=false worker=SeqRead events=20000"::equals), without);
        assertTrue(without.lines().anyMatch("active=false rnd worker=RndRead events=20000"::equals), without);
        assertTrue(without.lines().anyMatch(l -> TIER4.matcher(l).find() && l.contains("$SeqRead::execute")), without);
        assertFalse(without.contains("ReadSink::consume"), "the XOR loop never calls the sink");
    }

    /**
     * The random loops' compiled code calls nothing. A call left in the event (C2 declines to inline one
     * in a branch the run never takes, "failed to inline: low call site frequency") keeps the worker in a
     * stack slot across it, and C2 then reloads the worker from the stack four times per word (41 instead
     * of 35 instructions; docs/benchmarks.md, "the random loops' spill"). The unseeded run's histogram
     * skip is such a branch; this checks the inlining decisions of both random reads, with and without
     * the blackhole, never a timing.
     */
    @Test
    void theRandomReadsCompileWithoutACallLeftInTheEvent() throws Exception {
        for (List<String> jit : List.of(LAUNCHER_WORDS, List.<String>of())) {
            String out = child(jit);
            // C2's reason for a call in a branch it saw rarely or never taken (C1's own reasons, such as
            // "callee uses too much stack" in its profiled tier, do not reach C2's code)
            List<String> failed = out.lines().filter(l -> l.contains("failed to inline: low call site frequency")
                    && (l.contains("Xoroshiro::") || l.contains("MemoryWorkload$Rnd"))).toList();
            assertTrue(failed.isEmpty(), String.join("\n", failed));
            assertTrue(out.lines().anyMatch(l -> TIER4.matcher(l).find() && l.contains("$Rnd")), out);
        }
    }

    /** A -XX:+PrintCompilation line of a C2 (tier 4) compilation: id, flags (% for OSR), tier 4. */
    private static final java.util.regex.Pattern TIER4 = java.util.regex.Pattern.compile("^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*4\\s+io\\.");

    /**
     * The child with these words, compiling in the foreground (-Xbatch: C2's code exists before the
     * events end) and printing its compilations and their inlining decisions.
     */
    private static String child(List<String> jit) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(jit);
        cmd.addAll(List.of("-Xbatch", "-XX:+UnlockDiagnosticVMOptions", "-XX:+PrintCompilation", "-XX:+PrintInlining"));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ReadSinkChild.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM still running: " + cmd);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
