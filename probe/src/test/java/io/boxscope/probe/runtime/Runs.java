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
    public record Result(String out, CompiledScript script, java.util.Optional<io.boxscope.probe.output.StacksUnread> stacksUnread) {
        public Result(String out, CompiledScript script) {
            this(out, script, java.util.Optional.empty());
        }
    }

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
        // text is collected as `boxscope probe > file` writes it: printfs formatted from their records into a
        // byte buffer (ProbeSink#text), everything else rendered into the same buffer; JSON as rendered strings
        Output output = json ? Output.json() : Output.text();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        io.boxscope.probe.output.TextBuffer buffer = json ? null : new io.boxscope.probe.output.TextBuffer(bytes::write, 1 << 12);
        ProbeSink sink = new ProbeSink() {
            @Override
            public void printf(int formatId, io.boxscope.probe.output.Event.Printf printf) {
                write(output.render(printf));
            }

            @Override
            public void event(io.boxscope.probe.output.Event event) {
                write(output.render(event));
            }

            private void write(String text) {
                if (buffer != null) {
                    buffer.utf8(text);
                } else {
                    sb.append(text);
                }
            }

            @Override
            public io.boxscope.probe.output.TextBuffer text() {
                return buffer;
            }

            @Override
            public void drained() {
                if (buffer != null) {
                    buffer.flush();
                }
            }
        };
        ChildCommand child = null;
        java.util.Optional<io.boxscope.probe.output.StacksUnread> unread;
        try (ProbeSession session = ProbeSession.load(s, output, "stdin")) {
            if (command != null) {
                child = ChildCommand.start(command);
                session.setCommandPid(child.pid());
            }
            sb.append(session.attach());
            session.begin(sink);
            if (child != null) {
                child.release();
            }
            if (whileRunning != null && !session.exited()) {
                whileRunning.run();
            }
            long end = System.nanoTime() + max.toNanos();
            while (!session.exited() && System.nanoTime() < end && (child == null || child.alive())) {
                session.poll(Duration.ofMillis(50), sink);
            }
            session.finish(sink);
            unread = session.stacksUnread();
        } finally {
            if (child != null) {
                child.close();
            }
        }
        if (buffer != null) {
            buffer.flush();
        }
        // bytes that are not UTF-8 (a string's own) kept as RawText's lone surrogates: compared as bpftrace wrote them
        return new Result(sb + io.boxscope.proc.RawText.decode(bytes.toByteArray()), s, unread);
    }

    public static Result run(String program) throws Exception {
        return run(program, false, Duration.ofSeconds(10), null);
    }
}
