package io.boxscope.probe.runtime;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.collection.BpfCollection;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.VerifierException;
import io.boxscope.bpf.ringbuf.RingBufReader;
import io.boxscope.bpf.sys.Cpus;
import io.boxscope.probe.codegen.Action;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.codegen.MapLayout;
import io.boxscope.probe.codegen.ProbeCompiler;
import io.boxscope.probe.codegen.UpdateSite;
import io.boxscope.probe.lang.sema.ProbeKind;
import io.boxscope.probe.output.Event;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.Output;
import io.boxscope.probe.output.Value;

/**
 * One run of a compiled script, bpftrace's life cycle: {@link #load} (maps and programs, verifier
 * errors as one paragraph), {@link #attach} (every probe but BEGIN/END), {@link #begin} (BEGIN runs
 * once through BPF_PROG_TEST_RUN, as bpftrace runs it), {@link #poll} (ring-buffer records become
 * output: printf, print, clear, zero, exit), then {@link #finish}: detach, run END, print what is left
 * and every map. What the program produces goes to a {@link ProbeSink}: typed records for a library
 * (the BCC-class tools), or bpftrace's text/JSON through {@link ProbeSink#rendering} (the overloads that
 * take a {@code Consumer<String>} render with the {@link Output} given to {@link #load}). Nothing here
 * prints. Not thread-safe: one thread runs the session (signals only ask it to stop).
 */
public final class ProbeSession implements AutoCloseable {
    private final CompiledScript script;
    private final BpfCollection collection;
    private final Output output;
    private final ValueDecoder values;
    private final MapReader reader;
    private final RingBufReader ring;
    private final List<Link> links = new ArrayList<>();
    /** USDT semaphores this session incremented in the -p process (kernels without ref_ctr_offset), undone at finish. */
    private final List<AutoCloseable> semaphores = new ArrayList<>();
    private boolean exited;
    private int targetPid = -1;
    private Consumer<String> errors = e -> { };
    private long lostReported;
    /** Program runs the kernel skipped, as last reported; when they were last read ({@link #SKIPS_EVERY}). */
    private long skippedReported;
    private long skippedReadAt;
    /** How often a poll reads the programs' skip counters (one bpf(2) call a program). */
    private static final long SKIPS_EVERY = 100_000_000L;
    /**
     * How a poll reads the ring buffer ({@link RingBufReader#pollAvailable}): records in batches of
     * {@code BATCH} (one scope and one consumer-position update a batch; a batch's space returns to the
     * producer when it ends, so it is kept far below the 1 MiB ring's few thousand records), at most
     * {@code POLL_MAX} a poll (then lost counts are read and the caller's stop request looked at), and
     * at most one wake-up a {@code LINGER} while records keep coming and the ring is less than a quarter
     * full: what a wake-up costs (the output's write(2), the lost counter's bpf(2)) is paid once for a
     * batch, not once for every record. A millisecond is below what a person reading the output notices.
     */
    private static final int BATCH = 256, POLL_MAX = 8192;
    private static final Duration LINGER = Duration.ofMillis(1);
    /** The script's name in messages ({@code stdin}, {@code FILE.bt}). */
    private final String source;
    /** Per map-update site, the failures already reported: [2i] map full, [2i + 1] other errors. */
    private final long[] updatesReported;
    /** Action number of each printf to its format number ({@link ProbeSink#printf}); -1 for other actions. */
    private final int[] printfIds;
    private final List<String> printfFormats = new ArrayList<>();
    /** Per action, its printf compiled for a text sink ({@link ProbeSink#text}); null: decoded into values. */
    private final io.boxscope.probe.output.PrintfBytes[] printfBytes;
    /** The view of a printf record a sink may read in place ({@link ProbeSink#record}); reused. */
    private final PrintfRecord printfRecord;
    /** The current record, copied out of the ring: one array per record size, reused (handle keeps no reference). */
    private byte[] record = new byte[0];

    private ProbeSession(CompiledScript script, BpfCollection collection, Output output, String source,
                         boolean scansContainers, java.nio.file.Path procRoot) {
        this.script = script;
        this.source = source;
        this.updatesReported = new long[2 * script.updateSites().size()];
        this.collection = collection;
        this.output = output;
        this.values = new ValueDecoder(script.probeNames(), script.actions(), new Stacks(limit -> collection.maps().get(io.boxscope.probe.codegen.StackMaps.name(limit)), procRoot));
        this.reader = new MapReader(values);
        this.ring = new RingBufReader(collection.map("events"));
        this.containerScanPending = scansContainers;
        this.printfRecord = new PrintfRecord((t, b, off) -> values.decode(t, b, off, false));
        this.printfIds = new int[script.actions().size()];
        this.printfBytes = new io.boxscope.probe.output.PrintfBytes[printfIds.length];
        for (int i = 0; i < printfIds.length; i++) {
            printfIds[i] = -1;
            if (script.actions().get(i) instanceof Action.Printf p) {
                printfIds[i] = printfFormats.size();
                printfFormats.add(p.format());
                printfBytes[i] = compileBytes(p);
            }
        }
    }

    /**
     * {@code p} formatted straight from its record when every argument is an integer or a string stored in it
     * (as {@link ValueDecoder#decode} reads them), else null.
     */
    private static io.boxscope.probe.output.PrintfBytes compileBytes(Action.Printf p) {
        List<io.boxscope.probe.output.PrintfBytes.Arg> args = new ArrayList<>();
        for (int i = 0; i < p.types().size(); i++) {
            int off = p.offsets().get(i);
            io.boxscope.probe.lang.sema.SType t = p.types().get(i);
            if (t instanceof io.boxscope.probe.lang.sema.SType.Int n) {
                args.add(new io.boxscope.probe.output.PrintfBytes.IntArg(off, n.bytes() * 8, n.signed()));
            } else if (t instanceof io.boxscope.probe.lang.sema.SType.Ptr) {
                args.add(new io.boxscope.probe.output.PrintfBytes.IntArg(off, 64, false));
            } else if (t instanceof io.boxscope.probe.lang.sema.SType.Agg a) {
                args.add(new io.boxscope.probe.output.PrintfBytes.IntArg(off, 64, a.kind() != io.boxscope.probe.lang.sema.AggKind.COUNT));
            } else if (t instanceof io.boxscope.probe.lang.sema.SType.Str str) {
                args.add(new io.boxscope.probe.output.PrintfBytes.StrArg(off, str.bytes()));
            } else {
                return null; // resolved values, stacks, buffers, tuples, records: decoded into values
            }
        }
        return io.boxscope.probe.output.PrintfBytes.compile(p.format(), args);
    }

    /** The record in a reused array of its exact size (the decoders bound strings by the array's length). */
    private byte[] copy(java.lang.foreign.MemorySegment r) {
        int n = (int) r.byteSize();
        if (record.length != n) {
            record = new byte[n];
        }
        java.lang.foreign.MemorySegment.copy(r, ValueLayout.JAVA_BYTE, 0, record, 0, n);
        return record;
    }

    /** Whether a printf of the script prints the {@code container} builtin (its events need the host's containers). */
    private static boolean printsContainers(CompiledScript script) {
        for (Action a : script.actions()) {
            if (a instanceof Action.Printf p && p.types().stream().anyMatch(t -> t instanceof io.boxscope.probe.lang.sema.SType.Special s
                    && s.kind() == io.boxscope.probe.lang.sema.SpecialKind.CONTAINER)) {
                return true;
            }
        }
        return false;
    }

    /** Creates the maps and loads the programs, for a caller that only uses {@link ProbeSink}s of its own. */
    public static ProbeSession load(CompiledScript script, String source) throws ProbeRunException {
        return load(script, Output.text(), source);
    }

    /** Creates the maps and loads the programs; {@code source} names the script in messages. */
    public static ProbeSession load(CompiledScript script, Output output, String source) throws ProbeRunException {
        return load(script, output, source, java.nio.file.Path.of("/proc"));
    }

    /**
     * As above, symbolizing stacks and addresses from {@code procRoot}: its {@code kallsyms} for kernel addresses, its
     * {@code PID/maps} for user ones (the host's /proc mounted elsewhere, {@code --proc-root}; a test's tree).
     */
    public static ProbeSession load(CompiledScript script, Output output, String source, java.nio.file.Path procRoot)
            throws ProbeRunException {
        BpfCollection c;
        try {
            c = BpfCollection.load(script.spec());
        } catch (VerifierException e) {
            CompiledScript.Unit unit = script.units().stream().filter(u -> e.getMessage().contains(u.program()))
                    .findFirst().orElse(script.units().getFirst());
            throw new ProbeRunException(VerifierMessage.of(source, unit, e), e);
        }
        try {
            return new ProbeSession(script, c, output, source, printsContainers(script), procRoot);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Whether BEGIN already ran (attach() runs it first, as bpftrace does). */
    private boolean begun;

    /**
     * Whether a printf of the script prints the {@code container} builtin and its first scan of the host's containers
     * is still to start. It starts when records are first read ({@link #begin}, {@link #poll}, {@link #finish}), not
     * while the programs load: a tool prints its header between attaching and its first read, and on a two-CPU machine
     * the scan's thread (~20-50 ms of cold CPU) competed with loading, attaching and the JIT for the CPUs before it
     * (docs/benchmarks.md, "Start-up: JIT thresholds and the container scan"). The first record that prints a container
     * waits for the scan, as it did when the scan had not ended by then.
     */
    private boolean containerScanPending;

    /** Starts the first container scan in the background, once, if the script prints containers. */
    private void startContainerScan() {
        if (containerScanPending) {
            containerScanPending = false;
            values.containersFrom(ValueDecoder.startContainerScan());
        }
    }

    /**
     * Runs BEGIN, then attaches every probe that fires on its own, and returns bpftrace's
     * {@code Attaching N probes...}. BEGIN runs before the other probes attach, as in bpftrace 0.17
     * (BPFtrace::run triggers BEGIN between attaching the special probes and the others), so what BEGIN
     * prints (a tool's header) comes before any event; {@link #begin} writes it.
     */
    public String attach() throws ProbeRunException {
        runSpecial(ProbeKind.BEGIN);
        begun = true;
        for (CompiledScript.Unit u : script.units()) {
            Program p = collection.program(u.program());
            for (CompiledScript.Target t : u.attaches()) {
                List<String> target = t.attach().target();
                try {
                    switch (u.kind()) {
                        case TRACEPOINT -> links.add(collection.attach(u.program(),
                                x -> Attach.tracepoint(x, target.get(0), target.get(1), t.cookie())));
                        case INTERVAL -> links.add(collection.attach(u.program(), x -> Attach.perfEvent(x,
                                Attach.SoftwareEvent.CPU_CLOCK, Attach.Sampling.period(periodNanos(t.attach().target().getFirst(),
                                        t.attach().number())), Cpus.online().getFirst(), t.cookie())));
                        case RAWTRACEPOINT -> links.add(collection.attach(u.program(),
                                x -> Attach.rawTracepoint(x, target.getFirst(), u.attaches().size() > 1 ? t.cookie() : 0)));
                        case SOFTWARE -> links.add(collection.attach(u.program(), x -> Attach.perfCounterEveryCpu(x,
                                Attach.PERF_TYPE_SOFTWARE, softwareConfig(target.getFirst()),
                                Attach.Sampling.period(t.attach().number()), t.cookie())));
                        case HARDWARE -> links.add(collection.attach(u.program(), x -> Attach.perfCounterEveryCpu(x,
                                Attach.PERF_TYPE_HARDWARE, hardwareConfig(target.getFirst()),
                                Attach.Sampling.period(t.attach().number()), t.cookie())));
                        case USDT -> links.add(usdt(u, t));
                        case PROFILE -> links.add(collection.attach(u.program(), x -> Attach.perfEventEveryCpu(x,
                                Attach.SoftwareEvent.CPU_CLOCK, target.getFirst().equals("hz")
                                        ? Attach.Sampling.frequency(t.attach().number())
                                        : Attach.Sampling.period(periodNanos(target.getFirst(), t.attach().number())), t.cookie())));
                        case UPROBE, URETPROBE -> links.add(collection.attach(u.program(), x -> Attach.uprobe(x,
                                java.nio.file.Path.of(target.get(0)), target.get(1), u.kind() == ProbeKind.URETPROBE, targetPid,
                                u.attaches().size() > 1 ? t.cookie() : 0)));
                        // a perf kprobe event per function (Linux 4.17+); no cookie: a body reading `probe` is one program a function
                        case KPROBE, KRETPROBE -> links.add(collection.attach(u.program(),
                                x -> Attach.kprobe(x, target.getFirst(), u.kind() == ProbeKind.KRETPROBE)));
                        // fentry/fexit: a BPF link on the trampoline of the function whose BTF id the program was loaded with
                        case KFUNC, KRETFUNC -> links.add(collection.attach(u.program(), Attach::tracing));
                        case BEGIN, END -> { }
                        default -> throw new ProbeRunException("cannot attach " + t.attach().name()
                                + ": " + u.kind().label() + " probes are not supported by the runtime yet", null);
                    }
                } catch (BpfException e) {
                    throw new ProbeRunException("cannot attach " + t.attach().name() + " (line " + u.line() + "): "
                            + e.getMessage(), e);
                }
            }
            if (p == null) {
                throw new IllegalStateException("program " + u.program() + " missing");
            }
        }
        return output.render(new Event.Attached(script.probeCount()));
    }

    /** PERF_COUNT_SW_* of a software event as bpftrace names it. */
    static long softwareConfig(String name) {
        return io.boxscope.probe.list.SoftwareEvent.ALL.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("software event " + name)).config();
    }

    /** PERF_COUNT_HW_* (include/uapi/linux/perf_event.h, enum perf_hw_id) of a hardware event as bpftrace names it. */
    static long hardwareConfig(String name) {
        return io.boxscope.probe.list.HardwareEvent.ALL.stream().filter(e -> e.name().equals(name) || e.alias().equals(name))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("hardware event " + name)).config();
    }

    /**
     * A uprobe at a USDT site. A site with a semaphore gets it incremented while attached: by the kernel in every
     * process mapping the file where the uprobe PMU has {@code ref_ctr_offset}, else in the {@code -p} process
     * through /proc/PID/mem ({@link Semaphores}); without either the probe would never fire, which is an error.
     */
    private Link usdt(CompiledScript.Unit u, CompiledScript.Target t) {
        java.nio.file.Path file = java.nio.file.Path.of(t.attach().target().getFirst());
        long[] off;
        try {
            off = io.boxscope.probe.codegen.UsdtSites.fileOffsets(t.attach());
        } catch (java.io.IOException e) {
            throw new BpfException("place " + t.attach().name(), io.boxscope.bpf.Errno.ENOENT.number(), e.getMessage());
        }
        long cookie = u.attaches().size() > 1 ? t.cookie() : 0;
        String op = "attach " + t.attach().name();
        if (off[1] == 0 || Attach.uprobeRefCounters()) {
            return collection.attach(u.program(), x -> Attach.uprobeAt(x, file, off[0], off[1], false, targetPid, op, cookie));
        }
        if (targetPid <= 0) {
            throw new BpfException(op, io.boxscope.bpf.Errno.EOPNOTSUPP.number(), "the probe is behind a semaphore and this "
                    + "kernel's uprobe PMU cannot set it (no ref_ctr_offset, Linux 4.20+): give -p PID to set it in that process");
        }
        Link l = collection.attach(u.program(), x -> Attach.uprobeAt(x, file, off[0], false, targetPid, op, cookie));
        semaphores.add(Semaphores.increment(targetPid, file, off[1]));
        return l;
    }

    static long periodNanos(String unit, long n) {
        return switch (unit) {
            case "s" -> n * 1_000_000_000L;
            case "ms" -> n * 1_000_000L;
            case "us" -> n * 1_000L;
            case "hz" -> 1_000_000_000L / Math.max(1, n);
            default -> throw new IllegalArgumentException("interval unit " + unit);
        };
    }

    /** Where run-time errors of actions go (a {@code cat()} of a missing file), one line each; ignored by default. */
    public void onError(Consumer<String> sink) {
        this.errors = sink;
    }

    /**
     * Restricts every probe (but BEGIN/END) to tasks in the cgroup v2 directory {@code dir} and its
     * descendants ({@code --container}); the script must have been compiled with a cgroup filter.
     */
    public void filterCgroup(java.nio.file.Path dir) {
        BpfMap m = collection.map("cgroup");
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            io.boxscope.bpf.sys.Sys.Result r = io.boxscope.bpf.sys.Sys.openat(a.allocateFrom(dir.toString()), 0);
            if (r.failed()) {
                throw new BpfException("open cgroup directory " + dir, r.errno(), "is the container still running?");
            }
            try {
                byte[] fd = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt((int) r.value()).array();
                m.update(new byte[4], fd, BpfMap.ANY);
            } finally {
                io.boxscope.bpf.sys.Sys.close((int) r.value());
            }
        }
    }

    /** bpftrace's {@code -p PID}: uprobes and uretprobes fire only in this process (call before {@link #attach}). */
    public void targetPid(int pid) {
        this.targetPid = pid;
    }

    /** Sets {@code cpid} (the {@code -c} command's pid) before the command runs. */
    public void setCommandPid(long pid) {
        byte[] v = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder()).putLong(pid).array();
        collection.map("cpid").update(new byte[4], v, BpfMap.ANY);
    }

    /** Runs the BEGIN probes (unless {@link #attach} did) and writes what they print. */
    public void begin(Consumer<String> out) {
        begin(rendering(out));
    }

    /** Runs the BEGIN probes (unless {@link #attach} did) and hands what they produce to {@code sink}. */
    public void begin(ProbeSink sink) {
        if (!begun) {
            runSpecial(ProbeKind.BEGIN);
            begun = true;
        }
        drain(sink);
        sink.drained();
    }

    /** Waits up to {@code timeout} for records and writes their output; true once {@code exit()} ran. */
    public boolean poll(Duration timeout, Consumer<String> out) throws InterruptedException {
        return poll(timeout, rendering(out));
    }

    /** Waits up to {@code timeout} for records and hands them to {@code sink}; true once {@code exit()} ran. */
    public boolean poll(Duration timeout, ProbeSink sink) throws InterruptedException {
        startContainerScan();
        if (!exited) {
            ring.pollAvailable(r -> handle(copy(r), sink), timeout, LINGER, BATCH, POLL_MAX);
        }
        reportLost(sink);
        long now = System.nanoTime();
        if (now - skippedReadAt >= SKIPS_EVERY) {
            skippedReadAt = now;
            reportSkipped(sink);
        }
        reportUpdateFailures(sink);
        sink.drained();
        return exited;
    }

    private ProbeSink rendering(Consumer<String> out) {
        return ProbeSink.rendering(output, out);
    }

    /** The program's printf formats, indexed by the format number {@link ProbeSink#printf} receives. */
    public List<String> printfFormats() {
        return List.copyOf(printfFormats);
    }

    /** Records the ring buffer dropped since the session was loaded (it was full: user space fell behind). */
    public long lost() {
        return ValueDecoder.u64(collection.map("lost").lookup(new byte[4]), 0);
    }

    /**
     * Runs of the script's programs the kernel skipped since the session was loaded, because another BPF
     * program was running on that CPU: the sum of their {@code recursion_misses}, which start at 0 when a
     * program is loaded, so this is the count since this session began. 0 on kernels that do not count
     * them (before 5.12; {@link #programInfos} says unknown there).
     */
    public long skipped() {
        return io.boxscope.bpf.prog.ProgramInfo.skippedRuns(collection.programs().values());
    }

    /**
     * Values of the {@code container} builtin decoded so far as a cgroup id number because no scan of the container
     * runtimes named that cgroup (a host process's cgroup, or a container started less than
     * {@link ValueDecoder#RESCAN_NS} before); read on the thread that polls. {@code probe -v} shows it at the end.
     */
    public long containerMisses() {
        return values.containerMisses();
    }

    /**
     * Kernel addresses (kstack frames, ksym values) decoded so far in hex because kallsyms, or its part beyond the
     * kernel image's cached text, could not be read, with the reason; empty when none were. Read on the thread that
     * polls; the command line shows it at the end of the run.
     */
    public java.util.Optional<io.boxscope.probe.output.KernelSymbolsMissing> kernelSymbolsMissing() {
        return values.kernelSymbolsMissing();
    }

    /**
     * kstack/ustack values decoded so far as an empty stack because bpf_get_stackid failed in the kernel or the id was
     * gone from the stack map, by errno; empty when none were. Read on the thread that polls; the command line shows it
     * at the end of the run.
     */
    public java.util.Optional<io.boxscope.probe.output.StacksUnread> stacksUnread() {
        return values.stacksUnread();
    }

    /**
     * The distinct kernel addresses decoded so far in hex because their symbols could not be read (each once, whichever
     * map or event decoded it, however often): a tool that shows some maps only counts the addresses of those
     * ({@code StackRun.Result#kernelSymbolsMissing}); {@link #kernelSymbolsUnavailable} says why.
     */
    public java.util.Set<Long> unresolvedKernelAddresses() {
        return values.unresolvedKernelAddresses();
    }

    /** Why kernel symbols could not be read (which ones, what failed); empty while none failed. */
    public java.util.Optional<String> kernelSymbolsUnavailable() {
        return values.kernelSymbolsUnavailable();
    }

    /** What the kernel says about each of the script's programs now (ids, names, run and skip counters). */
    public List<io.boxscope.bpf.prog.ProgramInfo> programInfos() {
        List<io.boxscope.bpf.prog.ProgramInfo> out = new ArrayList<>();
        for (Program p : collection.programs().values()) {
            out.add(p.info());
        }
        return out;
    }

    /**
     * Map updates that failed in the kernel since the session was loaded, one event a place of the script and
     * kind of failure (a full map, another error), with the count so far; empty when none failed.
     */
    public List<Event.MapUpdateFailed> mapUpdateFailures() {
        return updateFailures(new long[updatesReported.length]);
    }

    /**
     * The failures counted beyond {@code reported} (per site: [2i] map full, [2i + 1] other errors), one event a
     * site and kind; {@code reported} is left unchanged.
     */
    private List<Event.MapUpdateFailed> updateFailures(long[] reported) {
        List<Event.MapUpdateFailed> out = new ArrayList<>();
        List<UpdateSite> sites = script.updateSites();
        if (sites.isEmpty()) {
            return out;
        }
        byte[] v = collection.map(ProbeCompiler.UPDATES).lookup(new byte[4]);
        for (int i = 0; i < sites.size(); i++) {
            int base = i * UpdateSite.BYTES;
            long full = ValueDecoder.u64(v, base + UpdateSite.FULL) - reported[2 * i];
            long other = ValueDecoder.u64(v, base + UpdateSite.OTHER) - reported[2 * i + 1];
            if (full != 0) {
                out.add(failure(sites.get(i), Event.MapUpdateFailed.MAP_FULL, full));
            }
            if (other != 0) {
                out.add(failure(sites.get(i), (int) ValueDecoder.u64(v, base + UpdateSite.LAST_ERROR), other));
            }
        }
        return out;
    }

    /** Updates of {@code map} ({@code "@name"}) that failed in the kernel since the session was loaded, every place summed. */
    public long failedUpdates(String map) {
        String name = map.startsWith("@") ? map : "@" + map;
        return mapUpdateFailures().stream().filter(f -> f.map().equals(name)).mapToLong(Event.MapUpdateFailed::count).sum();
    }

    private Event.MapUpdateFailed failure(UpdateSite site, int retcode, long count) {
        return new Event.MapUpdateFailed(source, site.map(), site.line(), site.column(), retcode,
                io.boxscope.bpf.Errno.of(-retcode) != null ? io.boxscope.bpf.Errno.of(-retcode).description() : "errno " + -retcode,
                count, site.capacity());
    }

    /** One script map ({@code "@name"}, or {@code "@"} for the unnamed map) as it is now. */
    public MapDump map(String name) {
        MapLayout l = layout(name);
        return reader.read(l, collection.map(l.kernelName()));
    }

    private final java.util.Map<String, MapDeltas> deltas = new java.util.HashMap<>();

    /**
     * How much each entry of the counting map {@code name} (count, sum, avg, stats, hist, lhist) grew since the
     * previous call (the whole value the first time); entries that did not grow are left out. Nothing is cleared,
     * so no update is lost between a read and a clear; keys idle for a whole interval are deleted
     * ({@link MapDeltas}: the reads need room only for the keys busy in two consecutive intervals).
     *
     * @throws IllegalArgumentException {@code name} holds no counters (min, max, or plain values)
     */
    public MapDump growth(String name) {
        MapLayout l = layout(name);
        MapDeltas d = deltas.get(l.kernelName());
        if (d == null) {
            int words = counterWords(l);
            if (words == 0) {
                throw new IllegalArgumentException(name + " holds no counters to read the growth of (" + l.kind() + ")");
            }
            d = new MapDeltas(collection.map(l.kernelName()), words, true);
            deltas.put(l.kernelName(), d);
        }
        BpfMap m = collection.map(l.kernelName());
        return reader.read(l, m, d.next());
    }

    /** True if {@code name} is a map of counters that {@link #growth} reads. */
    public boolean counts(String name) {
        return counterWords(layout(name)) > 0;
    }

    /** u64 counters at the start of each CPU's value of {@code l}; 0 for min, max and plain values. */
    private static int counterWords(MapLayout l) {
        if (l.agg() == null) {
            return 0;
        }
        return switch (l.agg()) {
            case COUNT, SUM, HIST, LHIST -> 1;
            case AVG, STATS -> 2;
            case MIN, MAX -> 0;
        };
    }

    /** Idle keys {@link #growth} deleted so far, all maps; and of those, the ones taken with two system calls. */
    public long[] growthEvictions() {
        long n = 0, split = 0;
        for (MapDeltas d : deltas.values()) {
            n += d.evicted();
            split += d.nonAtomic();
        }
        return new long[] {n, split};
    }

    /**
     * Deletes the entries of the plain map {@code label} (a name kept beside counters, runqlat's {@code @comm[id]},
     * filetop's {@code @name[...]}) whose key no map of {@code counters} holds any more ({@link #growth} deleted
     * it as idle); returns how many went. The label maps then need no more room than the counters. The label's
     * keys are listed before the counters' keys: the tools' scripts write a key's counters before its label, so
     * a label listed here had its counter written before the counters are listed, and a label written for a new
     * key after its listing is not deleted. A counter deleted as idle while its key's label is written again
     * (a lookup-and-delete racing the key's first event in an interval) still loses that label until the key's
     * next event: the report then shows that key without its name.
     */
    public int pruneLabels(String label, List<String> counters) {
        checkLabel(label, counters);
        MapLayout ll = layout(label);
        BpfMap m = collection.map(ll.kernelName());
        List<byte[]> labels = m.keys();
        java.util.Set<java.nio.ByteBuffer> live = new java.util.HashSet<>();
        for (String c : counters) {
            MapLayout cl = layout(c);
            for (byte[] k : collection.map(cl.kernelName()).keys()) {
                live.add(java.nio.ByteBuffer.wrap(java.util.Arrays.copyOf(k, cl.scriptKeySize())));
            }
        }
        int n = 0;
        for (byte[] k : labels) {
            if (!live.contains(java.nio.ByteBuffer.wrap(java.util.Arrays.copyOf(k, ll.scriptKeySize()))) && m.delete(k)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Throws unless {@link #pruneLabels}{@code (label, counters)} can run: {@code label} a hash map of plain values
     * (not an aggregation such as min() or max(), not keyless, not an array) and every one of {@code counters} a
     * counting map ({@link #counts}) with the same script key. A caller checks its maps with it before it starts
     * reporting, so a wrong list fails at start-up, not after the first report.
     *
     * @throws IllegalArgumentException which map is wrong, and why
     */
    public void checkLabel(String label, List<String> counters) {
        MapLayout ll = layout(label);
        if (ll.agg() != null || !ll.info().hasKeys() || ll.isArray()) {
            throw new IllegalArgumentException(label + " is not a keyed map of plain values");
        }
        for (String c : counters) {
            MapLayout cl = layout(c);
            if (counterWords(cl) == 0) {
                throw new IllegalArgumentException(c + " is not a counting map (count, sum, avg, stats, hist or lhist)");
            }
            if (cl.scriptKeySize() != ll.scriptKeySize()) {
                throw new IllegalArgumentException(label + " and " + c + " have different keys");
            }
        }
    }

    /** {@code clear(@name)} from user space: every entry deleted (an array's zeroed), as the action does. */
    public void clear(String name) {
        clear(layout(name), false);
    }

    /**
     * Seeds {@code @name[key] = value} from user space, for a map of integers to integers (plain
     * values, not aggregations) that the program fills itself from now on: an entry the program wrote
     * already is kept, and false returned (the kernel's EEXIST to BPF_NOEXIST, bpf(2)). A tool uses it for
     * state that predates tracing (the parent of every process already running).
     *
     * @throws BpfException when the kernel refused the entry, saying which map and key, the errno and why: E2BIG
     *         when the map's entries are all taken (a full hash map, bpf(2) BPF_MAP_UPDATE_ELEM), its cause the
     *         kernel call's own exception
     */
    public boolean seed(String name, long key, long value) {
        MapLayout l = layout(name);
        if (l.agg() != null || l.keySize() != 8 || l.valueSize() != 8 || !l.info().hasKeys()) {
            throw new IllegalArgumentException(name + " is not a map of integers to integers");
        }
        java.nio.ByteOrder order = java.nio.ByteOrder.nativeOrder();
        try {
            collection.map(l.kernelName()).update(java.nio.ByteBuffer.allocate(8).order(order).putLong(key).array(),
                    java.nio.ByteBuffer.allocate(8).order(order).putLong(value).array(), BpfMap.NOEXIST);
            return true;
        } catch (BpfException e) {
            if (e.errno() == io.boxscope.bpf.Errno.EEXIST.number()) {
                return false; // the program's entry is newer: kept
            }
            BpfException x = new BpfException("cannot write " + name + "[" + key + "] = " + value + " from user space", e.errno(),
                    e.errno() == io.boxscope.bpf.Errno.E2BIG.number()
                            ? name + " is full: all its " + l.maxEntries() + " entries are taken"
                            : "the kernel refused the update (" + e.getMessage() + ")");
            x.initCause(e);
            throw x;
        }
    }

    /**
     * Deletes from user space every entry of {@code name} whose first key is an integer matching
     * {@code firstKey} (a hist's entries of that key, every bucket), and returns how many went: a
     * long-running reader ({@code boxscope serve}) forgets the cgroups that are gone, so the map keeps
     * room for new ones. Only for keyed maps whose key starts with an integer (8 bytes, native order).
     */
    public int forget(String name, java.util.function.LongPredicate firstKey) {
        MapLayout l = layout(name);
        if (!l.info().hasKeys() || l.isArray() || l.scriptKeySize() < 8) {
            throw new IllegalArgumentException(name + " has no integer first key to forget entries by");
        }
        BpfMap m = collection.map(l.kernelName());
        int n = 0;
        for (byte[] k : m.keys()) {
            if (firstKey.test(ValueDecoder.u64(k, 0))) {
                try {
                    m.delete(k);
                    n++;
                } catch (BpfException e) {
                    // ENOENT: the program deleted it meanwhile
                }
            }
        }
        return n;
    }

    private MapLayout layout(String name) {
        String key = name.startsWith("@") ? name.substring(1) : name;
        MapLayout l = script.maps().get(key);
        if (l == null) {
            throw new IllegalArgumentException("the program has no map " + name + "; it has " + script.maps().keySet());
        }
        return l;
    }

    public boolean exited() {
        return exited;
    }

    /** Detaches every probe, runs END, writes the records left and then every map, as bpftrace does at exit. */
    public void finish(Consumer<String> out) {
        finish(rendering(out));
    }

    /** Detaches every probe, runs END, hands the records left and then every map ({@link Event.Exit}) to {@code sink}. */
    public void finish(ProbeSink out) {
        detach();
        if (!exited) {
            drain(out);
        } else {
            ring.drain(r -> { });
        }
        exited = false;
        runSpecial(ProbeKind.END);
        drain(out);
        exited = true;
        reportLost(out);
        reportSkipped(out);
        reportUpdateFailures(out);
        out.event(new Event.Exit(maps()));
        out.drained();
    }

    /**
     * Hands every map as it is now to {@code out} ({@link Event.AllMaps}), as bpftrace prints them on SIGUSR1; the
     * records already in the ring buffer go first, so what the script printed before stays before the maps.
     */
    public void printAllMaps(ProbeSink out) {
        drain(out);
        out.event(new Event.AllMaps(maps()));
    }

    /**
     * Every script map as it is now, read back and decoded (stacks symbolized while their processes
     * are alive), for callers that want figures rather than bpftrace's text: the tools and diagnose.
     */
    public List<MapDump> maps() {
        List<MapDump> maps = new ArrayList<>();
        for (MapLayout l : script.maps().values()) {
            maps.add(reader.read(l, collection.map(l.kernelName())));
        }
        return maps;
    }

    private void runSpecial(ProbeKind kind) {
        for (CompiledScript.Unit u : script.units()) {
            if (u.kind() == kind) {
                collection.program(u.program()).run();
            }
        }
    }

    private void drain(ProbeSink out) {
        startContainerScan();
        ring.drain(r -> {
            if (!exited) {
                handle(copy(r), out);
            }
        });
    }

    private void reportLost(ProbeSink out) {
        long lost = lost();
        if (lost > lostReported) {
            out.event(new Event.Lost(lost - lostReported));
            lostReported = lost;
        }
    }

    /** Program runs the kernel skipped since the last report, as {@link #reportLost} reports lost records. */
    private void reportSkipped(ProbeSink out) {
        long skipped = skipped();
        if (skipped > skippedReported) {
            out.event(new Event.Skipped(skipped - skippedReported));
            skippedReported = skipped;
        }
    }

    /** Failed map updates since the last report, one event a place and kind (as {@link #reportLost} reports lost records). */
    private void reportUpdateFailures(ProbeSink out) {
        List<UpdateSite> sites = script.updateSites();
        for (Event.MapUpdateFailed f : updateFailures(updatesReported)) {
            int i = sites.indexOf(new UpdateSite(f.map(), f.line(), f.column(), f.capacity()));
            updatesReported[2 * i + (f.full() ? 0 : 1)] += f.count();
            out.event(f);
        }
    }

    private void handle(byte[] rec, ProbeSink out) {
        if (exited) {
            return;
        }
        long id = ValueDecoder.u64(rec, 0);
        if (id < 0 || id >= script.actions().size()) {
            throw new IllegalStateException("ring buffer record with unknown action " + id);
        }
        switch (script.actions().get((int) id)) {
            case Action.Printf p -> {
                io.boxscope.probe.output.TextBuffer text = out.text();
                if (text != null && printfBytes[(int) id] != null) {
                    printfBytes[(int) id].write(rec, text);
                    return;
                }
                if (out.record(printfIds[(int) id], printfRecord.of(p, rec))) {
                    return;
                }
                List<Value> args = new ArrayList<>();
                for (int i = 0; i < p.types().size(); i++) {
                    args.add(values.decode(p.types().get(i), rec, p.offsets().get(i), false));
                }
                out.printf(printfIds[(int) id], new Event.Printf(p.format(), args));
            }
            case Action.PrintValue v -> out.event(new Event.Print(values.decode(v.type(), rec, 8, false)));
            case Action.PrintMap m -> {
                MapLayout l = script.maps().get(m.map());
                out.event(new Event.PrintMap(reader.read(l, collection.map(l.kernelName())), m.top(), m.div()));
            }
            case Action.Clear c -> clear(script.maps().get(c.map()), false);
            case Action.Zero z -> clear(script.maps().get(z.map()), true);
            case Action.Exit e -> exited = true;
            case Action.StrftimeFormat f -> throw new IllegalStateException("a strftime format is not a record");
            case Action.CgroupPathFilter f -> throw new IllegalStateException("a cgroup_path filter is not a record");
            case Action.System sys -> {
                List<Value> args = new ArrayList<>();
                for (int i = 0; i < sys.types().size(); i++) {
                    args.add(values.decode(sys.types().get(i), rec, sys.offsets().get(i), false));
                }
                String command = new io.boxscope.probe.output.Printf(sys.format()).apply(args);
                out.event(new Event.Message(io.boxscope.probe.output.MessageType.SYSCALL, SystemCommand.run(command, errors)));
            }
            case Action.Join j -> {
                long n = Math.min(j.count(), Math.max(0, ValueDecoder.u64(rec, 8)));
                List<String> args = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    args.add(ValueDecoder.cString(rec, 16 + i * j.size(), j.size()));
                }
                out.event(new Event.Join(args, j.delimiter()));
            }
            case Action.Time t -> out.event(new Event.Time(t.format(), java.time.ZonedDateTime.now()));
            case Action.Cat c -> {
                List<Value> args = new ArrayList<>();
                for (int i = 0; i < c.types().size(); i++) {
                    args.add(values.decode(c.types().get(i), rec, c.offsets().get(i), false));
                }
                String path = new io.boxscope.probe.output.Printf(c.format()).apply(args);
                try {
                    out.event(new Event.Message(io.boxscope.probe.output.MessageType.CAT,
                            java.nio.file.Files.readString(java.nio.file.Path.of(path), java.nio.charset.StandardCharsets.UTF_8)));
                } catch (java.io.IOException | java.io.UncheckedIOException e) {
                    errors.accept("cat(): failed to open file '" + path + "': " + e.getMessage());
                }
            }
        }
    }

    /** clear(): delete every entry (an array is zeroed instead); zero(): every value set to 0, keys kept. */
    private void clear(MapLayout l, boolean zero) {
        BpfMap m = collection.map(l.kernelName());
        byte[] zeros = new byte[m.valueBufferSize()];
        for (byte[] k : m.keys()) {
            if (zero || l.isArray()) {
                m.update(k, zeros, BpfMap.ANY);
            } else {
                m.delete(k);
            }
        }
    }

    /** The BPF instructions of every program, disassembled ({@code -v}). */
    public static String disassembly(CompiledScript script) {
        StringBuilder sb = new StringBuilder();
        for (var p : script.spec().programs()) {
            sb.append("; program ").append(p.name()).append(" (").append(p.type()).append(")\n");
            sb.append(io.boxscope.bpf.asm.Disassembler.dump(p.insns()));
        }
        return sb.toString();
    }

    /**
     * Detaches every probe and resets the semaphores this session set, without running END or reading maps
     * ({@code --dry-run} ends here; {@link #finish} starts with it): what the maps hold stops changing.
     * Idempotent.
     */
    public void detach() {
        try {
            if (!links.isEmpty()) {
                // programs return at once from here on, while the kernel takes its time releasing the links
                byte[] one = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder()).putLong(1).array();
                collection.map("stop").update(new byte[4], one, BpfMap.ANY);
            }
            Link.closeAll(links);
        } finally {
            links.clear();
        }
        closeSemaphores();
    }

    private void closeSemaphores() {
        for (AutoCloseable c : semaphores) {
            try {
                c.close();
            } catch (Exception e) {
                errors.accept("cannot reset a USDT semaphore: " + e.getMessage());
            }
        }
        semaphores.clear();
    }

    /** Tests: increments a USDT semaphore by hand as on kernels without ref_ctr_offset; closed with the session. */
    AutoCloseable semaphoreByHand(int pid, java.nio.file.Path file, long fileOffset) {
        Semaphores s = Semaphores.increment(pid, file, fileOffset);
        semaphores.add(s);
        return s;
    }

    @Override
    public void close() {
        closeSemaphores();
        try {
            ring.close();
        } finally {
            collection.close();
        }
    }
}
