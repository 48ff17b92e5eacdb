package io.boxscope.cli.probe;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import io.boxscope.bpf.BpfPermissionException;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.OutputFile;
import io.boxscope.cli.StopSignals;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.lang.diag.DiagnosticRenderer;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.parse.ProgramParser;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.output.Event;
import io.boxscope.probe.output.Output;
import io.boxscope.probe.output.TextBuffer;
import io.boxscope.probe.runtime.ChildCommand;
import io.boxscope.probe.runtime.ProbeRunException;
import io.boxscope.probe.runtime.ProbeSession;
import io.boxscope.probe.runtime.ProbeSink;
import io.boxscope.probe.runtime.Scripts;
import io.boxscope.proc.HostPaths;

/**
 * {@code boxscope probe -e PROGRAM} / {@code boxscope probe FILE}: compile, load, attach, run until
 * {@code exit()}, SIGINT or SIGTERM ({@link StopSignals}), then END and the maps, as bpftrace prints
 * them (SIGUSR1 prints every map meanwhile, {@link PrintMapsSignal}). Output to a terminal goes through {@link Text#safeLines} (control characters in process names
 * cannot drive the terminal); to a file or pipe it is written as bpftrace writes it.
 */
final class ProbeRun {
    record Options(String program, String file, boolean unsafe, boolean quiet, boolean json, String outFile,
                   boolean verbose, List<String> positionals, HostPaths paths, String command, Path cgroupDir, Integer pid,
                   boolean dryRun, int mapKeys, int ringBytes, int strlen) {
        Options(String program, String file, boolean unsafe, boolean quiet, boolean json, String outFile,
                boolean verbose, List<String> positionals, HostPaths paths, String command, Path cgroupDir, Integer pid,
                boolean dryRun, int mapKeys, int ringBytes) {
            this(program, file, unsafe, quiet, json, outFile, verbose, positionals, paths, command, cgroupDir, pid, dryRun,
                    mapKeys, ringBytes, CheckOptions.DEFAULT_STRLEN);
        }

        Options(String program, String file, boolean unsafe, boolean quiet, boolean json, String outFile,
                boolean verbose, List<String> positionals, HostPaths paths, String command, Path cgroupDir, Integer pid,
                boolean dryRun, int mapKeys) {
            this(program, file, unsafe, quiet, json, outFile, verbose, positionals, paths, command, cgroupDir, pid, dryRun,
                    mapKeys, CheckOptions.DEFAULT_RING_BYTES);
        }

        Options(String program, String file, boolean unsafe, boolean quiet, boolean json, String outFile,
                boolean verbose, List<String> positionals, HostPaths paths, String command, Path cgroupDir, Integer pid,
                boolean dryRun) {
            this(program, file, unsafe, quiet, json, outFile, verbose, positionals, paths, command, cgroupDir, pid, dryRun,
                    CheckOptions.DEFAULT_MAP_KEYS);
        }

        /** Where /sys is: tracefs and the kernel's BTF, read when compiling. */
        Path sysRoot() {
            return paths.sysRoot();
        }
    }

    private ProbeRun() {}

    /**
     * One end-of-run notice of data the user did not get (kernel symbols missing, stacks unread), rendered by
     * {@code Output}: standard error in text, after what the run printed; a line of the stream in JSON, as container
     * misses are shown.
     */
    private static void endNotice(String line, boolean json, Consumer<String> rendered, ProbeSink sink, PrintWriter err) {
        if (json) {
            rendered.accept(line);
            sink.drained();
        } else {
            sink.drained(); // after what the run printed
            err.println("boxscope: " + Text.safe(line.stripTrailing()));
            err.flush();
        }
    }

    /**
     * @throws java.nio.file.AccessDeniedException when tracefs or BTF is not readable (exit 3, from Main)
     * @throws BpfPermissionException when the kernel refuses a map, program or attachment (Main: exit 3
     *         with advice from the uid and capabilities, or 1 when the capabilities are there)
     */
    static int run(Options o, PrintWriter out, PrintWriter err) throws java.nio.file.AccessDeniedException {
        return run(o, out, err, null);
    }

    /**
     * As above; {@code stdoutBytes} writes encoded text to the stream behind {@code out} ({@link io.boxscope.cli.Terminal#bytes}),
     * or is null (the text then goes through {@code out}).
     */
    static int run(Options o, PrintWriter out, PrintWriter err, TextBuffer.Sink stdoutBytes) throws java.nio.file.AccessDeniedException {
        if ((o.program() == null) == (o.file() == null)) {
            throw new UsageException("give a program: -e PROGRAM or a FILE (not both)");
        }
        SourceText src;
        try {
            src = o.program() != null ? new SourceText("stdin", o.program())
                    : ProgramParser.decode(Text.safe(o.file()), Files.readAllBytes(Path.of(o.file())));
        } catch (NoSuchFileException e) {
            err.println("boxscope: cannot read program file " + Text.safe(o.file()) + ": no such file");
            return ExitCode.FAILURE;
        } catch (IOException e) {
            err.println("boxscope: cannot read program file " + Text.safe(o.file()) + ": " + Text.safe(String.valueOf(e.getMessage())));
            return ExitCode.FAILURE;
        } catch (ProgramException e) {
            err.print(e.getMessage());
            err.flush();
            return ExitCode.USAGE;
        }
        io.boxscope.bpf.sys.SyscallLink.inBackground(); // overlaps compiling (docs/benchmarks.md, "Per-boot caches")
        io.boxscope.cli.DebugPhases phases = new io.boxscope.cli.DebugPhases(err);
        CompiledScript script;
        try {
            script = Scripts.compile(src, o.sysRoot(), new CheckOptions(o.unsafe(), o.positionals(), o.strlen(),
                    o.mapKeys()).withPid(o.pid() == null ? 0 : o.pid()).withRingBytes(o.ringBytes()), o.cgroupDir() != null);
        } catch (ProgramException e) {
            if (e.kernelRefusal().isPresent()) {
                // the program is right; this kernel refuses what it needs (fentry): one line, a runtime failure
                err.println("boxscope: " + Text.safe(e.kernelRefusal().get()));
                err.flush();
                // the feature probe behind the refusal also fails without CAP_BPF/CAP_PERFMON: that is missing privilege
                return io.boxscope.proc.Privileges.self().canTrace() ? ExitCode.FAILURE : ExitCode.PRIVILEGE;
            }
            err.print(e.getMessage());
            err.flush();
            return ExitCode.USAGE;
        }
        phases.mark("parsed, checked and compiled");
        if (!script.warnings().isEmpty()) {
            err.print(DiagnosticRenderer.render(src, script.warnings()));
            err.flush();
        }
        if (o.verbose()) {
            err.print(ProbeSession.disassembly(script));
            err.flush();
        }
        PrintWriter target = out;
        boolean file = o.outFile() != null;
        TextBuffer.Sink bytesOut = stdoutBytes;
        io.boxscope.cli.FirstWriteFailure fileErrors = null;
        try {
            if (file) {
                // a PrintStream, as standard output is: write errors are kept in its flag, not thrown mid-stream, and
                // the first of them in fileErrors, which ends the run and is said (-o /dev/full: ENOSPC)
                // its first write error is said with exit 1 (bpftrace 0.17 never checks its std::ofstream after the open;
                // a failed open is its "Failed to open output file", exit 1, which this matches). OutputFile opens it under
                // --save's rules and messages: a link another user planted in /tmp is replaced, not written through
                fileErrors = new io.boxscope.cli.FirstWriteFailure(OutputFile.open(Path.of(o.outFile())));
                java.io.PrintStream f = new java.io.PrintStream(new java.io.BufferedOutputStream(fileErrors, 1 << 16),
                        false, StandardCharsets.UTF_8);
                target = new PrintWriter(new OutputStreamWriter(f, StandardCharsets.UTF_8));
                bytesOut = f::write;
            }
        } catch (OutputFile.WriteException e) {
            err.println("boxscope: " + Text.safe(e.getMessage())); // names the file and says why, as --save's errors
            return ExitCode.FAILURE;
        } catch (IOException e) {
            err.println("boxscope: cannot write " + Text.safe(o.outFile()) + ": " + Text.safe(String.valueOf(e.getMessage())));
            return ExitCode.FAILURE;
        }
        boolean terminal = !file && !o.json() && io.boxscope.cli.CliCommand.stdoutIsTty();
        PrintWriter w = target;
        io.boxscope.cli.FirstWriteFailure written = fileErrors;
        // stdio's buffering (setvbuf(3)), as bpftrace's printf gets it: line by line to a terminal; to a
        // file or a pipe once a batch, when the ring buffer has been drained (ProbeSink#drained)
        boolean lineBuffered = !file && io.boxscope.cli.CliCommand.stdoutIsTty();
        Consumer<String> text = s -> {
            w.print(terminal ? Text.safeLines(s) : s);
            if (lineBuffered) {
                w.flush();
            }
        };
        Output output = o.json() ? Output.json() : Output.text();
        // Text to a file or a pipe is collected as bytes, one buffer a drained ring (stdio's block buffering):
        // printfs of integers and strings are formatted from their records into it (ProbeSink#text), the rest
        // is rendered and encoded into it, in order
        TextBuffer.Sink direct = bytesOut != null ? bytesOut
                : (b, off, len) -> w.write(io.boxscope.proc.RawText.decode(b, off, len)); // a Writer has no bytes: ? for a non-UTF-8 one
        TextBuffer buffer = terminal || lineBuffered || o.json() ? null : new TextBuffer((b, off, len) -> {
            w.flush();
            direct.write(b, off, len);
        }, 1 << 16);
        Consumer<String> rendered = buffer == null ? text : buffer::utf8;
        ProbeSink sink = new ProbeSink() {
            @Override
            public void printf(int formatId, Event.Printf printf) {
                rendered.accept(output.render(printf));
            }

            @Override
            public void event(Event event) {
                if (event instanceof Event.MapUpdateFailed && !o.json()) {
                    // a warning, on standard error as bpftrace -k prints its helper errors; JSON keeps it in the stream
                    flushAll();
                    err.print(output.render(event));
                    err.flush();
                } else if (file && event instanceof Event.Exit x) {
                    // bpftrace 0.17 -o FILE: the blank line pair before the exit maps goes to standard output (its
                    // std::cout), the maps to FILE (its output stream) -- in text and in JSON alike
                    out.print("\n\n");
                    out.flush();
                    rendered.accept(output.allMaps(x.maps()));
                } else {
                    rendered.accept(output.render(event));
                }
            }

            @Override
            public TextBuffer text() {
                return buffer;
            }

            @Override
            public void drained() {
                flushAll();
            }

            private void flushAll() {
                if (buffer != null) {
                    buffer.flush();
                }
                w.flush();
            }
        };
        ChildCommand child = null;
        try (StopSignals stop = StopSignals.install();
             PrintMapsSignal usr1 = PrintMapsSignal.install();
             ProbeSession session = ProbeSession.load(script, output, src.name(), o.paths().procRoot())) {
            phases.mark("loaded (maps created, verifier)");
            session.onError(e -> {
                sink.drained(); // what was printed before the error comes first
                w.flush();
                err.println("boxscope: " + Text.safe(e));
                err.flush();
            });
            if (o.cgroupDir() != null) {
                session.filterCgroup(o.cgroupDir());
            }
            if (o.pid() != null) {
                session.targetPid(o.pid());
            }
            if (o.command() != null && !o.dryRun()) {
                child = ChildCommand.start(o.command());
                session.setCommandPid(child.pid());
            }
            String attached = session.attach();
            phases.markWithProcess("attached");
            if (!o.quiet()) {
                text.accept(attached);
                w.flush();
            }
            if (o.dryRun()) {
                // compiled, loaded (the verifier accepted every program) and attached: detach and stop, as
                // bpftrace --dry-run (0.18+) does; BEGIN, END and -c's command do not run
                session.detach();
                return ExitCode.OK;
            }
            session.begin(sink);
            if (child != null) {
                child.release();
            }
            // standard output nobody reads any more (| head -1 exited: EPIPE) ends the run as exit() does (checkError
            // flushes, once a poll, as a drained ring does anyway); Main says nothing of a closed pipe and keeps exit 0
            while (!session.exited() && !stop.requested() && (child == null || child.alive()) && (file ? written.failure() == null : !w.checkError())) {
                session.poll(Duration.ofMillis(100), sink);
                if (usr1.take()) {
                    session.printAllMaps(sink);
                }
            }
            phases.mark("ran");
            session.finish(sink);
            phases.mark("detached, END run, maps printed");
            long misses = session.containerMisses();
            if (o.verbose() && misses > 0) {
                // -v's end-of-run diagnostics: in text on standard error (the maps above stay as bpftrace prints
                // them), in JSON a line of the stream shaped like lost_events
                if (o.json()) {
                    rendered.accept(output.containerMisses(misses));
                } else {
                    err.print("boxscope: " + output.containerMisses(misses));
                    err.flush();
                }
                sink.drained();
            }
            // always (addresses printed in hex, stacks printed empty: data the user did not get)
            var missing = session.kernelSymbolsMissing();
            if (missing.isPresent()) {
                endNotice(output.kernelSymbolsMissing(missing.get()), o.json(), rendered, sink, err);
            }
            var unread = session.stacksUnread();
            if (unread.isPresent()) {
                endNotice(output.stacksUnread(unread.get()), o.json(), rendered, sink, err);
            }
            if (file) {
                sink.drained();
                w.close(); // the last bytes reach the file here: a failure to write them is said too
                if (written.failure() != null) {
                    err.println("boxscope: cannot write " + Text.safe(o.outFile()) + ": "
                            + Text.safe(String.valueOf(written.failure().getMessage())));
                    return ExitCode.FAILURE;
                }
            }
            return ExitCode.OK;
        } catch (IOException e) {
            err.println("boxscope: cannot run -c " + Text.safe(o.command()) + ": " + Text.safe(String.valueOf(e.getMessage())));
            return ExitCode.FAILURE;
        } catch (ProbeRunException e) {
            if (e.getCause() instanceof BpfPermissionException b) {
                throw b; // Main decides from the uid and capabilities whether a privilege is missing, and what to advise
            }
            err.println("boxscope: " + Text.safe(e.getMessage()));
            return ExitCode.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILURE;
        } finally {
            if (buffer != null) {
                buffer.flush(); // an exception mid-batch: what was formatted is still written
            }
            if (file) {
                w.close();
            }
            if (child != null) {
                try {
                    child.close();
                } catch (IOException e) {
                    err.println("boxscope: " + Text.safe(String.valueOf(e.getMessage())));
                }
            }
        }
    }
}
