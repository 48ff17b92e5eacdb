package io.boxscope.bpf.feature;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
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
import io.boxscope.bpf.sys.Cpus;
import io.boxscope.bpf.sys.Sys;

/**
 * Feature probes: each asks the kernel by doing the smallest real thing (load a two-instruction
 * program, create a one-entry map, attach and detach) and never by comparing version strings, which
 * lie on distribution and vendor kernels. Answers are cached for the life of the process, and positive ones for
 * the rest of the boot in a {@link BootCache} when the command line turned that on (keyed by boot, kernel release,
 * effective capabilities and lockdown state): a feature that worked keeps working, while a failure may be
 * transient (ENOMEM, a probe event that did not fire in time on a busy machine) and is asked again.
 */
@SuppressWarnings("restricted") // the downcall to libc getpid for the uprobe cookie probe
public final class Features {
    private static final Map<String, Support> CACHE = new ConcurrentHashMap<>();

    /** The per-boot store of positive answers, opened on first use; empty when caching is off. */
    private static volatile Optional<BootCache> persisted;

    private static final String SUPPORTED = "supported";

    private Features() {}

    private static Optional<BootCache> persisted() {
        Optional<BootCache> p = persisted;
        if (p == null) {
            p = BootCache.shared("features", BootCache.Scope.PRIVILEGES);
            persisted = p;
        }
        return p;
    }

    /** Keeps a positive answer for the rest of the boot (negative ones are asked again next time). */
    private static void remember(String key, Support answer) {
        if (answer.isSupported()) {
            persisted().ifPresent(c -> c.put(key, SUPPORTED));
        }
    }

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
        if (persisted().flatMap(c -> c.get(key)).filter(SUPPORTED::equals).isPresent()) {
            Support raced = CACHE.putIfAbsent(key, new Support.Supported());
            return raced != null ? raced : CACHE.get(key);
        }
        Support answer = probe.get();
        Support raced = CACHE.putIfAbsent(key, answer);
        if (raced == null) {
            remember(key, answer);
        }
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
                case ARRAY_OF_MAPS -> null; // needs an inner map template: below
            };
            if (spec == null) {
                try (BpfMap inner = BpfMap.create(MapSpec.of("probe_inner", MapType.ARRAY, 4, 8, 1))) {
                    BpfMap.createOuter("probe_outer", 1, inner).close();
                }
                return;
            }
            BpfMap.create(spec).close();
        }));
    }

    /**
     * Can a program reserve space in a ring buffer it looked up in an array of ring buffers (map-in-map: one ring per
     * CPU, indexed by {@code bpf_get_smp_processor_id()}, as libs' modern probe keeps them)? Creates a one-slot array
     * of one-page rings and loads a raw tracepoint program that looks up slot 0, reserves 8 bytes there and discards
     * them: the kernel must create the array with a ring buffer template and the verifier must accept the inner map
     * as the reserve's map argument.
     */
    public static Support ringBufArray() {
        return cached("ringbuf-array", () -> attempt(() -> {
            try (BpfMap template = BpfMap.create(MapSpec.ringBuffer("probe_rbtmpl", (int) Sys.pageSize()));
                    BpfMap outer = BpfMap.createOuter("probe_rbarray", 1, template)) {
                outer.setInner(0, template);
                Asm a = new Asm();
                Label out = a.newLabel("out");
                a.st(Size.W, Reg.R10, -4, 0).ldMapFd(Reg.R1, outer.fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, -4)
                        .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, out)
                        .mov(Reg.R1, Reg.R0).movImm(Reg.R2, 8).movImm(Reg.R3, 0).call(Helper.RINGBUF_RESERVE)
                        .jmp(JmpOp.JEQ, Reg.R0, 0, out)
                        .mov(Reg.R1, Reg.R0).movImm(Reg.R2, 0).call(Helper.RINGBUF_DISCARD)
                        .bind(out).movImm(Reg.R0, 0).exit();
                Program.load(ProgramSpec.of("probe_rbarray", ProgramType.RAW_TRACEPOINT, a.build())).close();
            }
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
                case PERF_EVENT_HARDWARE -> {
                    try (Program p = Program.load(ProgramSpec.of("probe_perf_hw", ProgramType.PERF_EVENT, returnZero()));
                            Link l = Attach.perfCounterEveryCpu(p, Attach.PERF_TYPE_HARDWARE, 0 /* PERF_COUNT_HW_CPU_CYCLES */,
                                    Attach.Sampling.period(1_000_000_000L), 0)) {
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

    private static final long COOKIE = 0x0b0c5c09e_c00c1eL;

    /**
     * Does a BPF cookie given when attaching this way reach the program? Attaches a program that stores
     * {@code bpf_get_attach_cookie(ctx)} for real, makes the event fire (a syscall or a libc call of this
     * thread; a 1 ms cpu-clock event for PERF_EVENT_SOFTWARE) and compares. Unsupported answers say whether
     * the verifier refused the helper for that program type, the kernel refused the cookie when attaching
     * (raw tracepoints take one since Linux 6.10, perf links since 5.15), or the program read back something
     * else; an attach kind that does not work at all answers with its reason. KPROBE and FENTRY cookies are not
     * probed where those attachments do work (not on the machines this was written on).
     */
    public static Support cookie(AttachKind k) {
        return cached("cookie:" + k, () -> {
            ProgramType type = switch (k) {
                case TRACEPOINT -> ProgramType.TRACEPOINT;
                case RAW_TRACEPOINT -> ProgramType.RAW_TRACEPOINT;
                case PERF_EVENT_SOFTWARE -> ProgramType.PERF_EVENT;
                case UPROBE -> ProgramType.KPROBE;
                case TP_BTF -> ProgramType.TRACING;
                case KPROBE, FENTRY, PERF_EVENT_HARDWARE -> null;
            };
            if (type == null) {
                if (attach(k) instanceof Support.Unsupported u) {
                    return new Support.Unsupported("no " + k + " attachments, so no cookies: " + u.reason());
                }
                return new Support.Unsupported("cookies are not probed for " + k + " attachments");
            }
            // Attaching with a cookie answers attach(k) too when it works, so that probe (a second attach and
            // detach, each detach of a tracepoint an RCU grace period) runs only to explain a failure.
            Support answer = cookieAttempt(k, type);
            if (answer.isSupported()) {
                if (CACHE.putIfAbsent("attach:" + k, answer) == null) {
                    remember("attach:" + k, answer);
                }
            } else if (attach(k) instanceof Support.Unsupported u) {
                return new Support.Unsupported("no " + k + " attachments, so no cookies: " + u.reason());
            }
            return answer;
        });
    }

    /** Attaches a program reading its cookie for {@code k} and checks it reads the one attached. */
    private static Support cookieAttempt(AttachKind k, ProgramType type) {
        int tid = k == AttachKind.PERF_EVENT_SOFTWARE ? -1 : Sys.gettid();
        try (BpfMap slot = BpfMap.create(MapSpec.of("probe_cookie", MapType.ARRAY, 4, 8, 1))) {
            Program p;
            try {
                List<Insn> insns = cookieProgram(slot, tid);
                p = Program.load(type == ProgramType.TRACING
                        ? ProgramSpec.tpBtf("probe_cookie", insns, AttachTargets.rawTracepoint("sys_enter"))
                        : ProgramSpec.of("probe_cookie", type, insns));
            } catch (VerifierException e) {
                return new Support.Unsupported("the verifier refuses bpf_get_attach_cookie in " + type + " programs");
            }
            try (p; Link l = switch (k) {
                case TRACEPOINT -> Attach.tracepoint(p, "raw_syscalls", "sys_enter", COOKIE);
                case RAW_TRACEPOINT -> Attach.rawTracepoint(p, "sys_enter", COOKIE);
                case PERF_EVENT_SOFTWARE -> Attach.perfEvent(p, Attach.SoftwareEvent.CPU_CLOCK,
                        Attach.Sampling.period(1_000_000), Cpus.online().get(0), COOKIE);
                case UPROBE -> Attach.uprobe(p, libc(), "getpid", false, Sys.getpid(), COOKIE);
                case TP_BTF -> Attach.tracing(p, COOKIE);
                case KPROBE, FENTRY, PERF_EVENT_HARDWARE -> throw new IllegalStateException(k.toString());
            }) {
                long deadline = System.nanoTime() + 2_000_000_000L;
                long seen;
                do {
                    if (k == AttachKind.UPROBE) {
                        libcGetpid();
                    } else {
                        Sys.getpid();
                    }
                    byte[] v = slot.lookup(new byte[4]);
                    seen = v == null ? 0 : MemorySegment.ofArray(v)
                            .get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                    if (seen == 0 && k == AttachKind.PERF_EVENT_SOFTWARE) {
                        Thread.sleep(5);
                    }
                } while (seen == 0 && System.nanoTime() < deadline);
                if (seen == COOKIE) {
                    return new Support.Supported();
                }
                return new Support.Unsupported(seen == 0 ? "the " + k + " program did not run within 2 s"
                        : "the program read cookie 0x" + Long.toHexString(seen) + ", not the one attached");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Support.Unsupported("interrupted while probing cookies for " + k);
        } catch (RuntimeException e) {
            return new Support.Unsupported("attaching with a cookie failed: " + e.getMessage());
        }
    }

    /** slot[0] = bpf_get_attach_cookie(ctx), for thread {@code tid} only (all threads when -1). */
    private static List<Insn> cookieProgram(BpfMap slot, int tid) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        a.mov(Reg.R6, Reg.R1);
        if (tid >= 0) {
            a.call(Helper.GET_CURRENT_PID_TGID).jmp32(JmpOp.JNE, Reg.R0, tid, out);
        }
        a.mov(Reg.R1, Reg.R6).call(Helper.GET_ATTACH_COOKIE).mov(Reg.R7, Reg.R0)
                .st(Size.W, Reg.R10, -4, 0).ldMapFd(Reg.R1, slot.fd())
                .mov(Reg.R2, Reg.R10).add(Reg.R2, -4).call(Helper.MAP_LOOKUP_ELEM)
                .jmp(JmpOp.JEQ, Reg.R0, 0, out)
                .stx(Size.DW, Reg.R0, 0, Reg.R7)
                .bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    /** Linked on first use: a downcall handle costs a cold JVM tens of milliseconds, and only uprobe probes call it. */
    private static final class LibcGetpid {
        static final MethodHandle GETPID = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("getpid").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
    }

    /** libc's getpid(), the function the uprobe probe attaches to (Sys.getpid is a raw syscall, not this). */
    private static void libcGetpid() {
        try {
            int unused = (int) LibcGetpid.GETPID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("calling libc getpid failed", t);
        }
    }

    /** The C library this JVM runs on (for the uprobe probe). */
    static Path libc() {
        String multiarch = io.boxscope.bpf.sys.Sys.arch().multiarch();
        for (String p : List.of("/lib/" + multiarch + "/libc.so.6", "/usr/lib/" + multiarch + "/libc.so.6", "/lib64/libc.so.6",
                "/usr/lib64/libc.so.6", "/lib/libc.so.6")) {
            Path path = Path.of(p);
            if (java.nio.file.Files.isRegularFile(path)) {
                return path;
            }
        }
        throw new BpfException("find libc", 2, "no libc.so.6 in the usual places");
    }

    /**
     * Forgets this process's answers (after privileges or modules changed) and re-reads which per-boot cache to
     * use ({@link BootCache#useDirectory}); answers stored in that cache stay.
     */
    public static void reset() {
        CACHE.clear();
        persisted = null;
    }
}
