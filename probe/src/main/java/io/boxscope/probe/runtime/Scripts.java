package io.boxscope.probe.runtime;

import java.nio.file.Path;
import io.boxscope.bpf.btf.PtRegs;
import io.boxscope.bpf.feature.AttachKind;
import io.boxscope.bpf.sys.Arch;
import io.boxscope.bpf.feature.Features;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.codegen.ProbeCompiler;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.parse.ProgramParser;
import io.boxscope.probe.lang.sema.Analyzer;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.lang.sema.CheckedProgram;
import io.boxscope.probe.lang.sema.LiveKernel;

/** The whole front half of the pipeline for the running kernel: parse, check, compile. */
public final class Scripts {
    private Scripts() {}

    /**
     * Parses, checks and compiles {@code source} against the running kernel (tracefs and BTF under
     * {@code sysRoot}). Links carry BPF cookies when the kernel accepts them on tracepoints and perf events.
     *
     * @throws java.nio.file.AccessDeniedException when tracefs or BTF cannot be read (not root)
     */
    public static CompiledScript compile(SourceText source, Path sysRoot, CheckOptions options)
            throws ProgramException, java.nio.file.AccessDeniedException {
        return compile(source, sysRoot, options, false);
    }

    /** With {@code cgroupFilter}, probes fire only in the cgroup given to {@link ProbeSession#filterCgroup} (--container). */
    public static CompiledScript compile(SourceText source, Path sysRoot, CheckOptions options, boolean cgroupFilter)
            throws ProgramException, java.nio.file.AccessDeniedException {
        LiveKernel kernel = LiveKernel.of(sysRoot);
        CheckedProgram checked = Analyzer.check(source, ProgramParser.parse(source), kernel, options);
        boolean cookies = Features.cookie(AttachKind.TRACEPOINT).isSupported()
                && Features.cookie(AttachKind.PERF_EVENT_SOFTWARE).isSupported();
        PtRegs regs;
        try {
            regs = kernel.btf().isPresent() ? PtRegs.of(kernel.btf().get(), Arch.current()) : null;
        } catch (java.io.IOException | RuntimeException e) {
            regs = null; // uprobe arguments then fail to compile with a message saying why
        }
        return ProbeCompiler.compile(checked, cookies, regs, cgroupFilter);
    }
}
