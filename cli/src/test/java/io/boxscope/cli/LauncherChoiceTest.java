package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import io.boxscope.cli.tools.ToolCommands;

/**
 * The launchers' choice of JVM options and AOT cache per command line (src/main/launcher/jit, sourced by ./boxscope and
 * the distribution's bin/boxscope), run through sh as they run it: every tool gets the tracing commands' cache, the
 * other commands the whole one, and the JIT choice is what the file's comments say.
 */
class LauncherChoiceTest {
    private static final Path JIT = Path.of("src/main/launcher/jit");

    /** "cache|jit" as the file sets them for these arguments. */
    private static String choice(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", ". \"$0\"; boxscope_jit \"$@\"; printf '%s|%s' \"$cache\" \"$jit\"",
                JIT.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void everyToolGetsTheTracingCache() throws Exception {
        assertEquals(true, Files.isRegularFile(JIT), JIT.toAbsolutePath() + " is missing");
        for (Supplier<CliCommand> tool : ToolCommands.ALL) {
            String name = tool.get().name();
            assertEquals("tracing", choice(name).split("\\|", -1)[0], name);
            assertEquals("tracing", choice("--json", name, "--duration", "1").split("\\|", -1)[0], name + " after --json");
        }
    }

    @Test
    void probeRunningAProgramGetsItOtherCommandsDoNot() throws Exception {
        assertEquals("tracing|-XX:CompileThresholdScaling=5", choice("probe", "-e", "BEGIN { exit(); }"));
        assertEquals("tracing|-XX:CompileThresholdScaling=5", choice("bpftrace", "-e", "BEGIN { exit(); }"));
        assertEquals("|-XX:TieredStopAtLevel=1", choice("probe", "-l", "tracepoint:syscalls:*"));
        assertEquals("|", choice("probe", "--help"));
        assertEquals("|-XX:TieredStopAtLevel=1", choice("mem", "pmap", "-x", "1"));
        assertEquals("|-XX:TieredStopAtLevel=1", choice("--version"));
        assertEquals("|", choice("bench", "cpu"));
        String blackhole = "|-XX:+UnlockExperimentalVMOptions -XX:CompileCommand=quiet"
                + " -XX:CompileCommand=blackhole," + io.boxscope.bench.workload.ReadSink.METHOD
                + " -XX:CodeEntryAlignment=64 -XX:OptoLoopAlignment=64";
        assertEquals(blackhole, choice("bench", "memory", "--memory-block-size=1M"));
        assertEquals(blackhole, choice("--json", "bench", "memory"));
        assertEquals(blackhole, choice("sysbench", "--memory-block-size=1M", "memory", "run"));
        assertEquals("|", choice("sysbench", "cpu", "run"));
        assertEquals("tracing|-XX:TieredStopAtLevel=1 -Xmn16m", choice("trace", "-r", "x.scap"));
        assertEquals("|-XX:TieredStopAtLevel=1 -XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining", choice("diagnose", "1"));
    }

    /**
     * diagnose's options start this JVM (AOTReplayTraining is a diagnostic flag: without the unlock, or misspelt, the
     * JVM refuses to start) and take effect: the flag is false as given on the command line (without an AOT cache, as
     * here, its default is false too, so the origin is what tells the launcher's choice apart), and C1 is the last tier.
     */
    @Test
    void diagnosesJvmOptionsStartTheJvmWithoutTheTrainingReplay() throws Exception {
        String jit = choice("diagnose", "--duration", "3s", "1").split("\\|", -1)[1];
        String out = finalFlags(jit);
        assertEquals(true, out.lines().anyMatch(l -> l.matches("\\s*bool AOTReplayTraining\\s+= false\\s+\\{diagnostic\\} \\{command line[,}].*")), out);
        assertEquals(true, out.lines().anyMatch(l -> l.matches("\\s*intx TieredStopAtLevel\\s+= 1\\s.*")), out);
    }

    /**
     * The memory benchmark's options start this JVM (a misspelt or refused -XX option would stop `bench memory` before
     * main: HotSpot refuses OptoLoopAlignment above CodeEntryAlignment, and CodeEntryAlignment is experimental) and
     * take effect: C2 aligns loops to 64 bytes (the flag's final value as the JVM prints it).
     */
    @Test
    void theMemoryBenchmarksJvmOptionsStartTheJvmAndAlignLoopsTo64() throws Exception {
        String jit = choice("bench", "memory").split("\\|", -1)[1];
        String out = finalFlags(jit);
        assertEquals(true, out.lines().anyMatch(l -> l.matches("\\s*intx OptoLoopAlignment\\s+= 64\\s.*")), out);
    }

    @Test
    void theJitChoiceOfTheTools() throws Exception {
        assertEquals("tracing|-XX:TieredStopAtLevel=1 -XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining -XX:CompileThresholdScaling=20", choice("runqlat", "1", "1"));
        assertEquals("tracing|-XX:TieredStopAtLevel=1 -XX:+UnlockDiagnosticVMOptions -XX:-AOTReplayTraining -XX:CompileThresholdScaling=20", choice("syscount"));
        assertEquals("tracing|-XX:CompileThresholdScaling=5", choice("opensnoop"));
        assertEquals("tracing|-XX:CompileThresholdScaling=5", choice("--pid", "1", "execsnoop"));
    }

    /**
     * Every tracing command's JIT options start this JVM and take effect (a misspelt or refused -XX option would stop
     * the tool before main): the thresholds scaled as the file says (by 20 for runqlat, a tool that sums in the kernel;
     * by 5 for opensnoop and probe), the C1-only tools still stopping at level 1 and
     * without the AOT cache's training replay, as given on the command line (a diagnostic flag: without the unlock the
     * JVM refuses to start); the per-event tools and probe keep the replay (it has C2 compile their drain early).
     */
    @Test
    void theTracingCommandsJvmOptionsStartTheJvmWithScaledThresholds() throws Exception {
        for (String[] args : List.of(new String[] {"opensnoop"}, new String[] {"runqlat"}, new String[] {"probe", "-e", "x"})) {
            String jit = choice(args).split("\\|", -1)[1];
            String out = finalFlags(jit);
            String scale = args[0].equals("runqlat") ? "20" : "5"; // the summing tools by 20, the others by 5
            assertEquals(true, out.lines().anyMatch(l -> l.matches("\\s*double CompileThresholdScaling\\s+= " + scale + "\\.0+\\s.*")),
                    String.join(" ", args) + ": " + out.lines().filter(l -> l.contains("CompileThresholdScaling")).toList());
            assertEquals(args[0].equals("runqlat"), out.lines().anyMatch(l -> l.matches("\\s*intx TieredStopAtLevel\\s+= 1\\s.*")),
                    String.join(" ", args));
            assertEquals(args[0].equals("runqlat"), out.lines().anyMatch(l -> l.matches("\\s*bool AOTReplayTraining\\s+= false\\s+\\{diagnostic\\} \\{command line[,}].*")),
                    String.join(" ", args) + ": " + out.lines().filter(l -> l.contains("AOTReplayTraining")).toList());
        }
    }

    /** This JVM started with the given options, its final flags (-XX:+PrintFlagsFinal); fails if it does not start. */
    private static String finalFlags(String jit) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(jit.split(" ")));
        cmd.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
