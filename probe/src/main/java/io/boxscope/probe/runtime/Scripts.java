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
import io.boxscope.probe.lang.sema.ProbeKind;

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
        return compile(source, sysRoot, options, cgroupFilter, CompileCache.of(source, sysRoot, options, cgroupFilter));
    }

    /** As above, through {@code cache} (tests give one of their own). */
    static CompiledScript compile(SourceText source, Path sysRoot, CheckOptions options, boolean cgroupFilter,
                                  java.util.Optional<CompileCache> cache)
            throws ProgramException, java.nio.file.AccessDeniedException {
        if (cache.isPresent()) { // per boot, root only, when the command line turned it on (CompileCache)
            java.util.Optional<CompiledScript> hit = cache.get().get(Scripts::supportedCookies);
            if (hit.isPresent()) {
                return hit.get();
            }
        }
        LiveKernel kernel = LiveKernel.of(sysRoot);
        CheckedProgram checked = Analyzer.check(source, ProgramParser.parse(source), kernel, options);
        PtRegs regs = null;
        io.boxscope.bpf.btf.Btf btf = null;
        if (readsRegisters(checked)) { // only probes on pt_regs need its layout (BTF) at code generation
            try {
                btf = kernel.btf().orElse(null);
                regs = btf != null ? PtRegs.of(btf, Arch.current()) : null;
            } catch (java.io.IOException | RuntimeException e) {
                btf = null;
                regs = null; // uprobe arguments then fail to compile with a message saying why
            }
        }
        java.util.Set<ProbeKind> needed = cookiesNeeded(checked);
        java.util.Set<ProbeKind> cookies = supportedCookies(needed);
        CompiledScript compiled = ProbeCompiler.compile(checked, cookies, regs, btf, cgroupFilter);
        cache.ifPresent(c -> c.put(compiled, needed, cookies));
        return compiled;
    }

    /**
     * Whether code generation may need {@code struct pt_regs} offsets from BTF: {@code argN}, {@code retval},
     * {@code func} and USDT arguments of probes whose context is the saved registers (uprobes, USDT, kprobes).
     * Other probes read their own context ({@code reg()} is a constant from the semantic pass), so a program of
     * those alone starts without parsing BTF for it.
     */
    static boolean readsRegisters(CheckedProgram checked) {
        for (var p : checked.probes()) {
            for (var a : p.attaches()) {
                switch (a.kind()) {
                    case UPROBE, URETPROBE, USDT, KPROBE, KRETPROBE -> {
                        return true;
                    }
                    case TRACEPOINT, RAWTRACEPOINT, BEGIN, END, INTERVAL, PROFILE, SOFTWARE, HARDWARE, KFUNC, KRETFUNC -> { }
                }
            }
        }
        return false;
    }

    /**
     * The probe types of {@code checked} whose links carry BPF cookies on this kernel, asked of the feature probes
     * (each attaches for real, once per JVM) only for types the script uses and only where an attach point shares
     * its body with others and the body reads {@code probe}: a wildcard or a comma-separated list then compiles to
     * one program, not one per match (a body that does not read {@code probe} is one program without cookies).
     */
    /** The probe types whose attach points share a body that reads {@code probe}: those would use cookies. */
    static java.util.Set<ProbeKind> cookiesNeeded(CheckedProgram checked) {
        java.util.Set<ProbeKind> used = java.util.EnumSet.noneOf(ProbeKind.class);
        for (var p : checked.probes()) {
            if (p.attaches().size() > 1 && ProbeCompiler.readsProbe(p)) {
                p.attaches().forEach(a -> used.add(a.kind()));
            }
        }
        return used;
    }

    /** Of {@code used}, the probe types whose links carry BPF cookies on this kernel (feature probes, per boot). */
    static java.util.Set<ProbeKind> supportedCookies(java.util.Set<ProbeKind> used) {
        java.util.Set<ProbeKind> out = java.util.EnumSet.noneOf(ProbeKind.class);
        for (ProbeKind k : used) {
            AttachKind how = switch (k) {
                case TRACEPOINT -> AttachKind.TRACEPOINT;
                case RAWTRACEPOINT -> AttachKind.RAW_TRACEPOINT;
                case PROFILE, INTERVAL, SOFTWARE, HARDWARE -> AttachKind.PERF_EVENT_SOFTWARE;
                case UPROBE, URETPROBE, USDT -> AttachKind.UPROBE;
                case BEGIN, END, KPROBE, KRETPROBE, KFUNC, KRETFUNC -> null;
            };
            if (how != null && Features.cookie(how).isSupported()) {
                out.add(k);
            }
        }
        return out;
    }
}
