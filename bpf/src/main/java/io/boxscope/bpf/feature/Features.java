package io.boxscope.bpf.feature;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.AttachTargets;
import io.boxscope.bpf.prog.AttachType;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.prog.VerifierException;
import io.boxscope.bpf.sys.Sys;

/**
 * Feature probes: each asks the kernel by doing the smallest real thing (load a two-instruction
 * program, create a one-entry map, attach and detach) and never by comparing version strings, which
 * lie on distribution and vendor kernels. Answers are cached for the life of the process.
 */
public final class Features {
    private static final Map<String, Support> CACHE = new ConcurrentHashMap<>();

    private Features() {}

    /**
     * The cached answer, or the probe's. The probe runs outside the map: probes call other probes
     * ({@link #helper} asks {@link #programType} first), and a nested {@code computeIfAbsent} on one
     * ConcurrentHashMap throws {@code IllegalStateException("Recursive update")} whenever the two keys
     * share a bin (or the table resizes meanwhile), which depends on the hash codes, so it showed up on
     * a fresh JVM only. Two threads may probe the same thing at once; the first answer stored wins.
     */
    private static Support cached(String key, Supplier<Support> probe) {
        Support known = CACHE.get(key);
        if (known != null) {
            return known;
        }
        Support answer = probe.get();
        Support raced = CACHE.putIfAbsent(key, answer);
        return raced != null ? raced : answer;
    }

    private static Support attempt(Runnable r) {
        try {
            r.run();
            return new Support.Supported();
        } catch (RuntimeException e) {
            return new Support.Unsupported(e.getMessage());
        }
    }

    private static List<Insn> returnZero() {
        return new Asm().movImm(Reg.R0, 0).exit().build();
    }

    /** Can this process load a program of this type? (TRACING is probed as tp_btf on sys_enter.) */
    public static Support programType(ProgramType t) {
        return cached("prog:" + t, () -> attempt(() -> {
            ProgramSpec spec = t == ProgramType.TRACING
                    ? ProgramSpec.tpBtf("probe_tracing", returnZero(), AttachTargets.rawTracepoint("sys_enter"))
                    : ProgramSpec.of("probe_" + t.name().toLowerCase(java.util.Locale.ROOT), t, returnZero());
            Program.load(spec).close();
        }));
    }

    /** Can this process create a map of this type? */
    public static Support mapType(MapType t) {
        return cached("map:" + t, () -> attempt(() -> {
            MapSpec spec = switch (t) {
                case RINGBUF -> MapSpec.ringBuffer("probe_ringbuf", 4096);
                case STACK_TRACE -> MapSpec.stackTrace("probe_stack", 8, 1);
                case PERF_EVENT_ARRAY, CGROUP_ARRAY -> MapSpec.of("probe_map", t, 4, 4, 1);
                case HASH, ARRAY, PERCPU_HASH, PERCPU_ARRAY, LRU_HASH, LRU_PERCPU_HASH -> MapSpec.of("probe_map", t, 4, 8, 1);
            };
            BpfMap.create(spec).close();
        }));
    }

    /**
     * May a program of type {@code t} call helper {@code h}? Loads a program calling it with zero
     * arguments: the verifier says "unknown func"/"invalid func" (or "cannot call GPL-restricted"...)
     * when the helper is missing for this type; any other complaint (bad arguments) means it exists.
     */
    public static Support helper(ProgramType t, Helper h) {
        return cached("helper:" + t + ":" + h, () -> {
            Support type = programType(t);
            if (!type.isSupported()) {
                return type;
            }
            Asm a = new Asm();
            for (Reg r : List.of(Reg.R1, Reg.R2, Reg.R3, Reg.R4, Reg.R5)) {
                a.movImm(r, 0);
            }
            List<Insn> insns = a.call(h).movImm(Reg.R0, 0).exit().build();
            ProgramSpec spec = t == ProgramType.TRACING
                    ? ProgramSpec.tpBtf("probe_helper", insns, AttachTargets.rawTracepoint("sys_enter"))
                    : ProgramSpec.of("probe_helper", t, insns);
            try {
                Program.load(spec).close();
                return new Support.Supported();
            } catch (VerifierException e) {
                String log = e.log();
                if (log.contains("unknown func") || log.contains("invalid func")
                        || log.contains("program of this type cannot use helper")) {
                    return new Support.Unsupported("helper bpf_" + h.cName() + " is not available to " + t + " programs");
                }
                return new Support.Supported();
            } catch (BpfException e) {
                return new Support.Unsupported(e.getMessage());
            }
        });
    }

    /** Can we attach this way? Attaches a do-nothing program for real and detaches at once. */
    public static Support attach(AttachKind k) {
        return cached("attach:" + k, () -> attempt(() -> {
            switch (k) {
                case TRACEPOINT -> {
                    try (Program p = Program.load(ProgramSpec.of("probe_tp", ProgramType.TRACEPOINT, returnZero()));
                            Link l = Attach.tracepoint(p, "raw_syscalls", "sys_enter")) {
                        l.size();
                    }
                }
                case RAW_TRACEPOINT -> {
                    try (Program p = Program.load(ProgramSpec.of("probe_raw_tp", ProgramType.RAW_TRACEPOINT, returnZero()));
                            Link l = Attach.rawTracepoint(p, "sys_enter")) {
                        l.size();
                    }
                }
                case TP_BTF -> {
                    try (Program p = Program.load(ProgramSpec.tpBtf("probe_tp_btf", returnZero(),
                            AttachTargets.rawTracepoint("sys_enter"))); Link l = Attach.tracing(p)) {
                        l.size();
                    }
                }
                case PERF_EVENT_SOFTWARE -> {
                    try (Program p = Program.load(ProgramSpec.of("probe_perf", ProgramType.PERF_EVENT, returnZero()));
                            Link l = Attach.perfEvent(p, Attach.SoftwareEvent.CPU_CLOCK, 1)) {
                        l.size();
                    }
                }
                case UPROBE -> {
                    try (Program p = Program.load(ProgramSpec.of("probe_uprobe", ProgramType.KPROBE, returnZero()));
                            Link l = Attach.uprobe(p, libc(), "getpid", false, Sys.getpid())) {
                        l.size();
                    }
                }
                case KPROBE -> {
                    try (Program p = Program.load(ProgramSpec.of("probe_kprobe", ProgramType.KPROBE, returnZero()));
                            Link l = Attach.kprobe(p, "do_sys_openat2", false)) {
                        l.size();
                    }
                }
                case FENTRY -> {
                    int fn = AttachTargets.function("do_sys_openat2");
                    try (Program p = Program.load(new ProgramSpec("probe_fentry", ProgramType.TRACING, returnZero(), "GPL",
                            AttachType.TRACE_FENTRY, fn)); Link l = Attach.tracing(p)) {
                        l.size();
                    }
                }
            }
        }));
    }

    /** The C library this JVM runs on (for the uprobe probe). */
    static Path libc() {
        for (String p : List.of("/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6",
                "/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/aarch64-linux-gnu/libc.so.6", "/lib64/libc.so.6",
                "/usr/lib64/libc.so.6", "/lib/libc.so.6")) {
            Path path = Path.of(p);
            if (java.nio.file.Files.isRegularFile(path)) {
                return path;
            }
        }
        throw new BpfException("find libc", 2, "no libc.so.6 in the usual places");
    }

    /** Forgets cached answers (after privileges or modules changed). */
    public static void reset() {
        CACHE.clear();
    }
}
