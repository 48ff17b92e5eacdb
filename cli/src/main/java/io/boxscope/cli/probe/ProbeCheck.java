package io.boxscope.cli.probe;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.probe.lang.diag.DiagnosticRenderer;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.parse.ProgramParser;
import io.boxscope.probe.lang.sema.Analyzer;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.lang.sema.CheckedProgram;
import io.boxscope.probe.lang.sema.LiveKernel;

/**
 * {@code boxscope probe -d}: parse and check a program against the running kernel and print its typed
 * AST. A program error is printed as bpftrace prints it (FILE:LINE:COL, the line, a caret) with exit
 * status 2; a file that cannot be read is exit status 1.
 */
final class ProbeCheck {
    private ProbeCheck() {}

    /** @throws java.nio.file.AccessDeniedException when tracefs or BTF is not readable (exit 3, from Main) */
    static int run(String program, String file, List<String> params, boolean unsafe, Path sysRoot, PrintWriter out,
                   PrintWriter err) throws IOException {
        return run(program, file, params, unsafe, CheckOptions.DEFAULT_STRLEN, sysRoot, out, err);
    }

    /** As above, with {@code str()} reading {@code strlen} bytes (BPFTRACE_STRLEN), which {@code -d} shows as string[N]. */
    static int run(String program, String file, List<String> params, boolean unsafe, int strlen, Path sysRoot,
                   PrintWriter out, PrintWriter err) throws IOException {
        if ((program == null) == (file == null)) {
            throw new UsageException("-d needs a program: -e PROGRAM or a FILE (not both)");
        }
        SourceText src;
        try {
            src = program != null ? new SourceText("stdin", program)
                    : ProgramParser.decode(Text.safe(file), Files.readAllBytes(Path.of(file)));
        } catch (NoSuchFileException e) {
            err.println("boxscope: cannot read program file " + Text.safe(file) + ": no such file");
            return ExitCode.FAILURE;
        } catch (IOException e) {
            err.println("boxscope: cannot read program file " + Text.safe(file) + ": " + Text.safe(String.valueOf(e.getMessage())));
            return ExitCode.FAILURE;
        } catch (ProgramException e) {
            err.print(e.getMessage());
            err.flush();
            return ExitCode.USAGE;
        }
        try {
            CheckedProgram cp = Analyzer.check(src, ProgramParser.parse(src), LiveKernel.of(sysRoot),
                    new CheckOptions(unsafe, params, strlen));
            out.print(cp.dump());
            out.flush();
            if (!cp.warnings().isEmpty()) {
                err.print(DiagnosticRenderer.render(src, cp.warnings()));
                err.flush();
            }
            return ExitCode.OK;
        } catch (ProgramException e) {
            err.print(e.getMessage());
            err.flush();
            return ExitCode.USAGE;
        }
    }
}
