package io.boxscope.probe.lang.sema;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.bpf.feature.AttachKind;
import io.boxscope.bpf.feature.Support;
import io.boxscope.bpf.tracefs.Tracefs;
import io.boxscope.probe.lang.ast.Program;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.parse.ProgramParser;

/**
 * The kernel the semantic tests see: a tracefs tree captured from a real machine (available_events and
 * a few format files), this machine's BTF (/sys/kernel/btf/vmlinux), and fixed feature answers: kprobes
 * and fentry unavailable (as on the lab machines), everything else available.
 */
final class Fixtures {
    private Fixtures() {}

    static Path tracing() {
        try {
            return Path.of(Fixtures.class.getResource("tracing").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static KernelInfo kernel() {
        try {
            return new LiveKernel(Tracefs.at(tracing()), Path.of("/sys/kernel/btf/vmlinux"), k ->
                    k == AttachKind.KPROBE || k == AttachKind.FENTRY
                            ? new Support.Unsupported("no kprobe PMU (test fixture)") : new Support.Supported());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static final KernelInfo KERNEL = kernel();

    static CheckedProgram check(String text) throws ProgramException, java.nio.file.AccessDeniedException {
        return check(text, CheckOptions.defaults());
    }

    static CheckedProgram check(String text, CheckOptions options) throws ProgramException, java.nio.file.AccessDeniedException {
        SourceText src = new SourceText("stdin", text);
        Program p = ProgramParser.parse(src);
        return Analyzer.check(src, p, KERNEL, options);
    }

    /** The rendered diagnostics of a program that must fail. */
    static String errors(String text) {
        return errors(text, CheckOptions.defaults());
    }

    static String errors(String text, CheckOptions options) {
        try {
            check(text, options);
        } catch (ProgramException e) {
            return e.getMessage();
        } catch (java.nio.file.AccessDeniedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected an error for: " + text);
    }

    static List<String> lines(String s) {
        return s.lines().toList();
    }
}
