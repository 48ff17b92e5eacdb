package io.boxscope.bpf.link;

import io.boxscope.bpf.tracefs.Tracefs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.Errno;
import io.boxscope.bpf.elf.DebugFiles;
import io.boxscope.bpf.elf.ElfException;
import io.boxscope.bpf.elf.ElfFile;
import io.boxscope.bpf.elf.ElfSymbol;
import io.boxscope.bpf.prog.AttachType;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.sys.Cpus;
import io.boxscope.bpf.sys.Fd;
import io.boxscope.bpf.sys.Sys;

/**
 * Attaching programs to events; each method returns a {@link Link} to close. Perf-event based
 * attachments (tracepoints, software events, uprobes) open the event with perf_event_open(2) and bind
 * the program with BPF_LINK_CREATE (attach type BPF_PERF_EVENT, Linux 5.15+), falling back to
 * PERF_EVENT_IOC_SET_BPF + PERF_EVENT_IOC_ENABLE on kernels without perf links.
 */
public final class Attach {
    /** perf_event_attr.type of generalized hardware counters and of software events (perf_event_open(2)). */
    public static final int PERF_TYPE_HARDWARE = 0, PERF_TYPE_SOFTWARE = 1;
    static final int PERF_TYPE_TRACEPOINT = 2;
    static final long PERF_FLAG_FD_CLOEXEC = 8;
    static final long IOC_ENABLE = 0x2400;
    static final long IOC_SET_BPF = 0x40042408L;
    /**
     * Attaching happens in the running kernel, so attach paths (tracefs, the uprobe PMU) are this
     * kernel's {@code /sys}, never a {@code --sys-root} that describes another host's files.
     */
    private static final Path SYS = Path.of("/sys");

    /** perf software event configs (include/uapi/linux/perf_event.h, enum perf_sw_ids). */
    public enum SoftwareEvent {
        CPU_CLOCK(0), TASK_CLOCK(1), PAGE_FAULTS(2), CONTEXT_SWITCHES(3), CPU_MIGRATIONS(4);

        final long config;

        SoftwareEvent(long config) {
            this.config = config;
        }
    }

    private Attach() {}

    /** The tracefs directory (events/ inside), found as the tracefs package finds it. */
    static Path tracefs() {
        try {
            return Tracefs.locate(SYS).root();
        } catch (java.nio.file.AccessDeniedException e) {
            throw new BpfException("find tracefs", Errno.EACCES.number(), e.getMessage() + ": run as root");
        } catch (IOException e) {
            throw new BpfException("find tracefs", Errno.ENOENT.number(), e.getMessage());
        }
    }

    /** The numeric id of tracepoint category:name, from tracefs events/CAT/NAME/id. */
    public static int tracepointId(String category, String name) {
        checkName(category);
        checkName(name);
        Path id = tracefs().resolve("events").resolve(category).resolve(name).resolve("id");
        try {
            return Integer.parseInt(Files.readString(id).strip());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BpfException("find tracepoint " + category + ":" + name, Errno.ENOENT.number(),
                    "no such tracepoint; list them with: boxscope probe -l 'tracepoint:" + category + ":*'");
        } catch (IOException | NumberFormatException e) {
            throw new BpfException("read " + id, 0, e.getMessage());
        }
    }

    private static void checkName(String s) {
        if (s.isEmpty() || s.contains("/") || s.equals("..") || s.equals(".")) {
            throw new IllegalArgumentException("invalid tracepoint name part '" + s + "'");
        }
    }

    /** Attaches a TRACEPOINT program to category:name. */
    public static Link tracepoint(Program p, String category, String name) {
        return tracepoint(p, category, name, 0);
    }

    /**
     * Attaches a TRACEPOINT program to category:name with a BPF cookie: the program reads {@code cookie} with
     * {@code bpf_get_attach_cookie} (Linux 5.15+, perf links), so one program can serve several tracepoints
     * and know which one fired.
     */
    public static Link tracepoint(Program p, String category, String name, long cookie) {
        String op = "attach tracepoint " + category + ":" + name;
        requireType(p, op, ProgramType.TRACEPOINT);
        int id = tracepointId(category, name);
        Fd ev = perfEventOpen(op, PERF_TYPE_TRACEPOINT, id, 1, false, -1, 0, 0, 0);
        return bindPerf(op + " → " + p.name(), p, ev, cookie);
    }

    /**
     * Attaches to every tracepoint matching the globs ({@code *} and {@code ?}), e.g.
     * ("syscalls", "sys_enter_open*"). Fails if nothing matches; closes what it attached on failure.
     */
    public static Link tracepoints(Program p, String categoryGlob, String nameGlob) {
        List<String[]> found = new ArrayList<>();
        Path events = tracefs().resolve("events");
        try (DirectoryStream<Path> cats = Files.newDirectoryStream(events, categoryGlob)) {
            for (Path c : cats) {
                if (!Files.isDirectory(c)) {
                    continue;
                }
                try (DirectoryStream<Path> names = Files.newDirectoryStream(c, nameGlob)) {
                    for (Path n : names) {
                        if (Files.isRegularFile(n.resolve("id"))) {
                            found.add(new String[] {c.getFileName().toString(), n.getFileName().toString()});
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new BpfException("list tracepoints " + categoryGlob + ":" + nameGlob, 0, e.getMessage());
        }
        if (found.isEmpty()) {
            throw new BpfException("attach tracepoints " + categoryGlob + ":" + nameGlob, Errno.ENOENT.number(),
                    "no tracepoint matches");
        }
        List<Link> links = new ArrayList<>();
        try {
            for (String[] f : found) {
                links.add(tracepoint(p, f[0], f[1]));
            }
        } catch (RuntimeException e) {
            links.forEach(Link::close);
            throw e;
        }
        return Link.group("tracepoints " + categoryGlob + ":" + nameGlob + " (" + links.size() + ") → " + p.name(), links);
    }

    /** Attaches a RAW_TRACEPOINT program by tracepoint name (e.g. "sys_enter"). */
    public static Link rawTracepoint(Program p, String name) {
        return rawTracepoint(p, name, 0);
    }

    /**
     * Attaches a RAW_TRACEPOINT program with a BPF cookie ({@code bpf_get_attach_cookie}): the
     * {@code raw_tracepoint.cookie} field of BPF_RAW_TRACEPOINT_OPEN, Linux 6.10+. An older kernel rejects a
     * non-zero cookie (E2BIG: it does not know the field); {@code Features.cookie(RAW_TRACEPOINT)} says which.
     */
    public static Link rawTracepoint(Program p, String name, long cookie) {
        String op = "attach raw tracepoint " + name + (cookie != 0 ? " with cookie " + cookie : "");
        requireType(p, op, ProgramType.RAW_TRACEPOINT);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(cookie != 0 ? 24 : 16, 8);
            attr.set(ValueLayout.JAVA_LONG, 0, a.allocateFrom(name).address());
            attr.set(ValueLayout.JAVA_INT, 8, p.fd());
            if (cookie != 0) {
                attr.set(ValueLayout.JAVA_LONG, 16, cookie); // union bpf_attr.raw_tracepoint.cookie
            }
            long fd = Sys.bpf(op, Sys.BPF_RAW_TRACEPOINT_OPEN, attr);
            return new Link(op + " → " + p.name(), List.of(new Fd((int) fd)));
        }
    }

    /** Attaches a tp_btf TRACING program (its target was fixed at load by attach_btf_id). */
    public static Link tracing(Program p) {
        return tracing(p, 0);
    }

    /**
     * Attaches a tp_btf TRACING program with a BPF cookie: BPF_RAW_TRACEPOINT_OPEN's {@code cookie} serves
     * tp_btf as well as raw tracepoints (kernel/bpf/syscall.c, bpf_raw_tp_link_attach; Linux 6.10+).
     */
    public static Link tracing(Program p, long cookie) {
        String op = "attach tp_btf program " + p.name() + (cookie != 0 ? " with cookie " + cookie : "");
        requireType(p, op, ProgramType.TRACING);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(cookie != 0 ? 24 : 16, 8);
            attr.set(ValueLayout.JAVA_INT, 8, p.fd());
            if (cookie != 0) {
                attr.set(ValueLayout.JAVA_LONG, 16, cookie);
            }
            long fd = Sys.bpf(op, Sys.BPF_RAW_TRACEPOINT_OPEN, attr);
            return new Link(op, List.of(new Fd((int) fd)));
        }
    }

    /** Attaches a PERF_EVENT program to a software event sampled at {@code hz} on every online CPU. */
    public static Link perfEvent(Program p, SoftwareEvent event, long hz) {
        return perfEventEveryCpu(p, event, Sampling.frequency(hz), 0);
    }

    /**
     * How often a perf event fires (perf_event_open(2): {@code sample_period} or, with {@code freq},
     * {@code sample_freq}). For {@link SoftwareEvent#CPU_CLOCK} and {@link SoftwareEvent#TASK_CLOCK} a period
     * is in nanoseconds; for the counting events (page faults, context switches) it is a number of events.
     *
     * @param value     the period, or the frequency in Hz
     * @param frequency true for {@code value} Hz (the kernel adjusts the period to reach it), false for a fixed period
     */
    public record Sampling(long value, boolean frequency) {
        public Sampling {
            if (value <= 0) {
                throw new IllegalArgumentException((frequency ? "frequency " : "period ") + value + " must be positive");
            }
        }

        /** {@code hz} samples a second (bpftrace {@code profile:hz:N}). */
        public static Sampling frequency(long hz) {
            return new Sampling(hz, true);
        }

        /** One sample every {@code period} events; nanoseconds for the clocks (bpftrace {@code interval:ms:N} is N×10⁶). */
        public static Sampling period(long period) {
            return new Sampling(period, false);
        }

        @Override
        public String toString() {
            return frequency ? value + " Hz" : "every " + value;
        }
    }

    /**
     * Attaches a PERF_EVENT program to a software event on one CPU (any task there), e.g. bpftrace's
     * {@code interval:ms:100}: {@code CPU_CLOCK}, {@code Sampling.period(100_000_000)}, on the first online
     * CPU. {@code cookie} is what {@code bpf_get_attach_cookie} returns in the program (0: none).
     */
    public static Link perfEvent(Program p, SoftwareEvent event, Sampling sampling, int cpu, long cookie) {
        String op = "attach perf event " + event.name().toLowerCase(java.util.Locale.ROOT) + " " + sampling + " on CPU " + cpu;
        requireType(p, op, ProgramType.PERF_EVENT);
        Fd ev = perfEventOpen(op, PERF_TYPE_SOFTWARE, event.config, sampling.value(), sampling.frequency(), -1, cpu, 0, 0);
        return bindPerf(op + " → " + p.name(), p, ev, cookie);
    }

    /**
     * Attaches a PERF_EVENT program to a software event on every online CPU, e.g. bpftrace's
     * {@code profile:hz:99}: {@code CPU_CLOCK}, {@code Sampling.frequency(99)}. Closes what it opened on failure.
     */
    public static Link perfEventEveryCpu(Program p, SoftwareEvent event, Sampling sampling, long cookie) {
        String op = "attach perf event " + event.name().toLowerCase(java.util.Locale.ROOT) + " " + sampling;
        requireType(p, op, ProgramType.PERF_EVENT);
        List<Link> links = new ArrayList<>();
        try {
            for (int cpu : Cpus.online()) {
                links.add(perfEvent(p, event, sampling, cpu, cookie));
            }
        } catch (RuntimeException e) {
            links.forEach(Link::close);
            throw e;
        }
        return Link.group(op + " (" + links.size() + " CPUs) → " + p.name(), links);
    }

    /**
     * Attaches a PERF_EVENT program to perf counter {@code type}/{@code config} (e.g. {@link #PERF_TYPE_SOFTWARE}
     * with a {@code PERF_COUNT_SW_*} config, or {@link #PERF_TYPE_HARDWARE} with {@code PERF_COUNT_HW_*}) on
     * every online CPU: bpftrace's {@code software:EVENT:N} and {@code hardware:EVENT:N}. Closes what it opened on failure.
     */
    public static Link perfCounterEveryCpu(Program p, int type, long config, Sampling sampling, long cookie) {
        String op = "attach perf event type " + type + " config " + config + " " + sampling;
        requireType(p, op, ProgramType.PERF_EVENT);
        List<Link> links = new ArrayList<>();
        try {
            for (int cpu : Cpus.online()) {
                String one = op + " on CPU " + cpu;
                Fd ev = perfEventOpen(one, type, config, sampling.value(), sampling.frequency(), -1, cpu, 0, 0);
                links.add(bindPerf(one + " → " + p.name(), p, ev, cookie));
            }
        } catch (RuntimeException e) {
            links.forEach(Link::close);
            throw e;
        }
        return Link.group(op + " (" + links.size() + " CPUs) → " + p.name(), links);
    }

    /**
     * Attaches a KPROBE-type program as a uprobe (or uretprobe) on {@code symbol} in {@code binary},
     * through the uprobe PMU (/sys/bus/event_source/devices/uprobe); see {@link #uprobeOffset}. {@code pid} &gt; 0 fires only in
     * that process; -1 in every process that maps the file.
     */
    public static Link uprobe(Program p, Path binary, String symbol, boolean retprobe, int pid) {
        return uprobe(p, binary, symbol, retprobe, pid, 0);
    }

    /** {@link #uprobe(Program, Path, String, boolean, int)} with a BPF cookie for {@code bpf_get_attach_cookie}. */
    public static Link uprobe(Program p, Path binary, String symbol, boolean retprobe, int pid, long cookie) {
        String op = "attach " + (retprobe ? "uretprobe " : "uprobe ") + binary + ":" + symbol;
        long offset;
        try {
            offset = uprobeOffset(binary, symbol);
        } catch (IOException e) {
            throw new BpfException(op, Errno.ENOENT.number(), e.getMessage());
        }
        return uprobeAt(p, binary, offset, retprobe, pid, op, cookie);
    }

    /**
     * The file offset a uprobe on function {@code symbol} of {@code binary} is placed at (the uprobe PMU's
     * config2). The symbol is looked up in the file's .symtab and .dynsym, then in its separate debug file
     * (found by build id or .gnu_debuglink under /usr/lib/debug, as {@code boxscope probe -l} lists them);
     * a debug file's program headers do not describe file contents, so a symbol found there is placed
     * with the real file's PT_LOAD segments: {@code binary.fileOffsetOf(debugSymbol.value())}. GNU
     * indirect functions are refused: their address is the resolver, which runs once at load time.
     */
    public static long uprobeOffset(Path binary, String symbol) throws IOException {
        ElfFile elf = ElfFile.read(binary);
        Optional<ElfSymbol> s = elf.function(symbol);
        String where = binary.toString();
        if (s.isEmpty()) {
            Optional<Path> debug = DebugFiles.find(elf, binary, DebugFiles.DEFAULT_ROOT);
            if (debug.isPresent()) {
                s = ElfFile.read(debug.get()).function(symbol);
                where = binary + " (debug file " + debug.get() + ")";
            }
        }
        if (s.isEmpty()) {
            throw new ElfException("no function '" + symbol + "' in " + binary + (elf.hasSymtab() ? "" : " (stripped; "
                    + "no debug file under " + DebugFiles.DEFAULT_ROOT + " has it either)")
                    + "; list them with: boxscope probe -l 'uprobe:" + binary + ":*'");
        }
        if (s.get().type() == ElfSymbol.Type.IFUNC) {
            throw new ElfException("'" + symbol + "' in " + where + " is a GNU indirect function (IFUNC): its address is "
                    + "the resolver that picks an implementation once at load time, so a uprobe there would not see calls; "
                    + "probe the implementation instead (list them with: boxscope probe -l 'uprobe:" + binary + ":*')");
        }
        return elf.fileOffsetOf(s.get().value());
    }

    /** Like {@link #uprobe} at a file offset. */
    public static Link uprobeAt(Program p, Path binary, long offset, boolean retprobe, int pid, String op) {
        return uprobeAt(p, binary, offset, retprobe, pid, op, 0);
    }

    /** Like {@link #uprobe} at a file offset, with a BPF cookie. */
    public static Link uprobeAt(Program p, Path binary, long offset, boolean retprobe, int pid, String op, long cookie) {
        requireType(p, op, ProgramType.KPROBE);
        int type = pmuType("uprobe", op);
        long config = retprobe ? 1L << retprobeBit("uprobe") : 0;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment path = a.allocateFrom(binary.toString());
            Fd ev = perfEventOpen(op, type, config, 1, false, pid, pid > 0 ? -1 : 0, path.address(), offset);
            return bindPerf(op + " → " + p.name(), p, ev, cookie);
        }
    }

    /**
     * Like {@link #uprobeAt} with a reference counter (a USDT semaphore): the kernel increments the 16-bit
     * counter at file offset {@code refCtrOffset} in every process that maps the file while the probe is
     * attached (the uprobe PMU's {@code ref_ctr_offset}, config bits 32-63 here, Linux 4.20+;
     * {@link #uprobeRefCounters()} says whether the PMU has it). 0: no counter.
     */
    public static Link uprobeAt(Program p, Path binary, long offset, long refCtrOffset, boolean retprobe, int pid,
            String op, long cookie) {
        if (refCtrOffset == 0) {
            return uprobeAt(p, binary, offset, retprobe, pid, op, cookie);
        }
        requireType(p, op, ProgramType.KPROBE);
        int type = pmuType("uprobe", op);
        long config = (retprobe ? 1L << retprobeBit("uprobe") : 0) | refCtrOffset << refCtrShift(op);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment path = a.allocateFrom(binary.toString());
            Fd ev = perfEventOpen(op, type, config, 1, false, pid, pid > 0 ? -1 : 0, path.address(), offset);
            return bindPerf(op + " → " + p.name(), p, ev, cookie);
        }
    }

    /** Whether the uprobe PMU takes a reference-counter offset (its format directory lists ref_ctr_offset). */
    public static boolean uprobeRefCounters() {
        return Files.isRegularFile(SYS.resolve("bus/event_source/devices/uprobe/format/ref_ctr_offset"));
    }

    private static int refCtrShift(String op) {
        Path f = SYS.resolve("bus/event_source/devices/uprobe/format/ref_ctr_offset");
        try {
            String s = Files.readString(f).strip(); // "config:32-63"
            return Integer.parseInt(s.substring(s.indexOf(':') + 1, s.indexOf('-')));
        } catch (IOException | RuntimeException e) {
            throw new BpfException(op, Errno.EOPNOTSUPP.number(), "the uprobe PMU has no ref_ctr_offset (" + f
                    + "; Linux 4.20+), which USDT semaphores need; give -p PID to set the semaphore in that process instead");
        }
    }

    /** Attaches a KPROBE program to kernel function {@code function} through the kprobe PMU. */
    public static Link kprobe(Program p, String function, boolean retprobe) {
        String op = "attach " + (retprobe ? "kretprobe " : "kprobe ") + function;
        requireType(p, op, ProgramType.KPROBE);
        int type = pmuType("kprobe", op);
        long config = retprobe ? 1L << retprobeBit("kprobe") : 0;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fn = a.allocateFrom(function);
            Fd ev = perfEventOpen(op, type, config, 1, false, -1, 0, fn.address(), 0);
            return bindPerf(op + " → " + p.name(), p, ev);
        }
    }

    static int pmuType(String pmu, String op) {
        Path t = SYS.resolve("bus/event_source/devices").resolve(pmu).resolve("type");
        try {
            return Integer.parseInt(Files.readString(t).strip());
        } catch (IOException | NumberFormatException e) {
            throw new BpfException(op, Errno.ENODEV.number(), "no " + pmu + " PMU (" + t
                    + " missing): kernel built without CONFIG_" + pmu.toUpperCase(java.util.Locale.ROOT) + "_EVENTS?");
        }
    }

    private static int retprobeBit(String pmu) {
        try {
            String f = Files.readString(SYS.resolve("bus/event_source/devices").resolve(pmu).resolve("format/retprobe")).strip();
            return Integer.parseInt(f.substring(f.indexOf(':') + 1));
        } catch (IOException | RuntimeException e) {
            return 0; // "config:0" on every kernel that has the file
        }
    }

    private static void requireType(Program p, String op, ProgramType want) {
        if (p.type() != want) {
            throw new IllegalArgumentException(op + ": program " + p.name() + " is " + p.type() + ", this needs " + want);
        }
    }

    /** perf_event_open(2) with a struct perf_event_attr of PERF_ATTR_SIZE_VER5 (112 bytes). */
    static Fd perfEventOpen(String op, int type, long config, long periodOrFreq, boolean freq, int pid, int cpu,
            long config1, long config2) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(112, 8);
            attr.set(ValueLayout.JAVA_INT, 0, type);
            attr.set(ValueLayout.JAVA_INT, 4, 112);
            attr.set(ValueLayout.JAVA_LONG, 8, config);
            attr.set(ValueLayout.JAVA_LONG, 16, periodOrFreq);
            attr.set(ValueLayout.JAVA_LONG, 40, freq ? 1L << 10 : 0);
            attr.set(ValueLayout.JAVA_INT, 48, 1); // wakeup_events
            attr.set(ValueLayout.JAVA_LONG, 56, config1);
            attr.set(ValueLayout.JAVA_LONG, 64, config2);
            Sys.Result r = Sys.perfEventOpen(attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
            if (r.failed()) {
                throw BpfException.of(op, r.errno());
            }
            return new Fd((int) r.value());
        }
    }

    static Link bindPerf(String description, Program p, Fd ev) {
        return bindPerf(description, p, ev, 0);
    }

    /**
     * BPF_LINK_CREATE on the perf event (with {@code link_create.perf_event.bpf_cookie} at offset 16), or
     * SET_BPF + ENABLE where perf links are missing (before 5.15; no cookie possible there: refused).
     */
    static Link bindPerf(String description, Program p, Fd ev, long cookie) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(48, 8);
            attr.set(ValueLayout.JAVA_INT, 0, p.fd());
            attr.set(ValueLayout.JAVA_INT, 4, ev.value());
            attr.set(ValueLayout.JAVA_INT, 8, AttachType.PERF_EVENT.id());
            attr.set(ValueLayout.JAVA_LONG, 16, cookie);
            Sys.Result r = Sys.bpfRaw(Sys.BPF_LINK_CREATE, attr);
            if (!r.failed()) {
                return new Link(description, List.of(ev, new Fd((int) r.value())));
            }
            if (r.errno() == Errno.EINVAL.number() && cookie != 0) {
                ev.close();
                throw new BpfException(description.replace(" → ", " with program "), r.errno(),
                        "this kernel has no BPF perf links (Linux 5.15+), which carry BPF cookies; attach without a cookie");
            }
            if (r.errno() != Errno.EINVAL.number()) {
                ev.close();
                throw BpfException.of(description.replace(" → ", " with program "), r.errno());
            }
            try {
                Sys.ioctl(description, ev.value(), IOC_SET_BPF, p.fd());
                Sys.ioctl(description, ev.value(), IOC_ENABLE, 0);
            } catch (RuntimeException e) {
                ev.close();
                throw e;
            }
            return new Link(description, List.of(ev));
        }
    }
}
