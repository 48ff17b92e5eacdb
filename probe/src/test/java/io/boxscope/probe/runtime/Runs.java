package io.boxscope.probe.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.output.Output;

/** Runs a script through the whole pipeline (compile, load, attach, BEGIN, poll, END, maps) for tests. */
public final class Runs {
    private Runs() {}

    /** What a run printed, and the session's compiled script. */
    public record Result(String out, CompiledScript script) {}

    /** Compiles and runs {@code program} until exit() or {@code max}, then finishes as on Ctrl-C. */
    public static Result run(String program, boolean json, Duration max, Runnable whileRunning) throws Exception {
        return run(program, json, max, whileRunning, null);
    }

    /**
     * With {@code command} (bpftrace's {@code -c}): the command runs once everything is attached and the
     * run ends when it exits (or after {@code max}).
     */
    public static Result run(String program, boolean json, Duration max, Runnable whileRunning, String command) throws Exception {
        return run(program, new CheckOptions(false, List.of()), json, max, whileRunning, command);
    }

    /** With the front end's options ({@code --unsafe}, positional parameters). */
    public static Result run(String program, CheckOptions options, boolean json, Duration max, Runnable whileRunning,
                             String command) throws Exception {
        CompiledScript s = Scripts.compile(new SourceText("stdin", program), Path.of("/sys"), options);
        StringBuilder sb = new StringBuilder();
        ChildCommand child = null;
        try (ProbeSession session = ProbeSession.load(s, json ? Output.json() : Output.text(), "stdin")) {
            if (command != null) {
                child = ChildCommand.start(command);
                session.setCommandPid(child.pid());
            }
            sb.append(session.attach());
            session.begin(sb::append);
            if (child != null) {
                child.release();
            }
            if (whileRunning != null && !session.exited()) {
                whileRunning.run();
            }
            long end = System.nanoTime() + max.toNanos();
            while (!session.exited() && System.nanoTime() < end && (child == null || child.alive())) {
                session.poll(Duration.ofMillis(50), sb::append);
            }
            session.finish(sb::append);
        } finally {
            if (child != null) {
                child.close();
            }
        }
        return new Result(sb.toString(), s);
    }

    public static Result run(String program) throws Exception {
        return run(program, false, Duration.ofSeconds(10), null);
    }
}
