package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The AOT training does not swallow a failing run: each run's exit code and exception are checked, a failure is said
 * with its command line and the last line of its standard error, and the training exits 1; runs that lacked a
 * privilege (exit 3) are counted in one line and do not fail it. The runs here are a fake runner's, whose outcome
 * each test chooses: the expected lines are written from those choices.
 */
class TrainingRunsTest {
    /** A runner whose outcome is chosen by the command's first word: ok, usage, priv, fail (stderr then exit 1), throw. */
    static int fake(String[] args, PrintStream out, PrintStream err) {
        out.println("output nobody sees");
        return switch (args[0]) {
            case "ok" -> 0;
            case "--no-such-option" -> {
                err.println("Unknown option: '--no-such-option'");
                yield 2;
            }
            case "usage" -> 2;
            case "priv" -> 3;
            case "fail" -> {
                err.println("boxscope: first line");
                err.println("boxscope: cannot read BTF: no such file");
                err.println();
                yield 1;
            }
            case "throw" -> throw new IllegalStateException("compiler bug");
            default -> throw new AssertionError(args[0]);
        };
    }

    static String[] run(String... args) {
        return args;
    }

    record Outcome(int code, String log, List<Integer> told) {}

    static Outcome train(String[]... runs) {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<Integer> told = new ArrayList<>();
        int code = TrainingRuns.runAll(List.of(runs), TrainingRunsTest::fake, told::add,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        return new Outcome(code, log.toString(StandardCharsets.UTF_8), told);
    }

    @Test
    void runsThatSucceedSayNothing() {
        Outcome o = train(run("ok", "a"), run("--no-such-option"), run("ok"));
        assertEquals(new Outcome(0, "", List.of(0, 1, 2)), o);
    }

    @Test
    void aFailingRunIsSaidAndFailsTheTraining() {
        Outcome o = train(run("ok"), run("fail", "probe", "-e", "x"), run("throw", "diagnose"), run("usage", "--bad"), run("ok"));
        assertEquals(1, o.code());
        assertEquals(List.of(0, 1, 2, 3, 4), o.told(), "every run is run, also after a failure");
        assertEquals("""
                aot-train: training run failed: boxscope fail probe -e x: exit 1 (expected 0); stderr: boxscope: cannot read BTF: no such file
                aot-train: training run failed: boxscope throw diagnose: java.lang.IllegalStateException: compiler bug
                aot-train: training run failed: boxscope usage --bad: exit 2 (expected 0)
                aot-train: 3 of 5 training runs failed (above); no cache is kept
                """, o.log());
    }

    @Test
    void runsWithoutThePrivilegeAreCountedInOneLine() {
        Outcome o = train(run("priv", "execsnoop", "--duration", "1"), run("ok"), run("priv", "runqlat", "1", "1"));
        assertEquals(0, o.code());
        assertEquals("aot-train: 2 of 3 training runs lacked a privilege (exit 3; train as root for the whole cache), trained as far"
                + " as they got: priv execsnoop --duration 1; priv runqlat 1 1\n", o.log());
    }
}
