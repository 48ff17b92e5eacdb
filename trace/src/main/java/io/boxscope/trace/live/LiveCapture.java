package io.boxscope.trace.live;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.PtRegs;
import io.boxscope.bpf.ringbuf.RingBufReader;
import io.boxscope.bpf.sys.Arch;
import io.boxscope.bpf.sys.Cpus;
import io.boxscope.bpf.syscalls.SyscallSignatures;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.ContainerRef;
import io.boxscope.proc.tasks.TaskInfo;
import io.boxscope.proc.tasks.TaskTable;
import io.boxscope.trace.filter.Expr;
import io.boxscope.trace.filter.FieldClass;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.KernelFilter;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.TimeMode;
import io.boxscope.trace.output.Timeline;
import io.boxscope.trace.scap.BufferFormat;
import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.CycleWriter;
import io.boxscope.trace.scap.EventFormatter;
import io.boxscope.trace.scap.Inspector;
import io.boxscope.trace.scap.StateTables;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapFields;

/**
 * {@code boxscope trace} without {@code -r}: a live capture. Starting it reads the thread and fd tables
 * from /proc ({@link LiveTables}), loads and attaches {@link CaptureProbe} with the kernel part of the
 * filter, and {@link #run} then turns ring records into sysdig's events ({@link EventBuilder}), applies
 * each to an {@link Inspector} (the same state a {@code -r} reader keeps), evaluates the filter's Java
 * part and hands every matching event, with its sysdig line, to a {@link Sink}. Nothing is lost
 * silently: ring drops are counted per CPU in the kernel and reported by {@link #summary}.
 */
public final class LiveCapture implements AutoCloseable {
    /**
     * The smallest default ring: 16 MiB, sysdig's default buffer (8 MiB per CPU) on two CPUs. Tests size their
     * bursts against it: {@link #defaultRingBytes} is never less.
     */
    public static final int DEFAULT_RING_BYTES = 16 << 20;
    /** The largest default ring, 1 GiB (sysdig's 8 MiB per CPU on 128 CPUs): locked kernel memory. */
    static final int MAX_DEFAULT_RING_BYTES = 1 << 30;

    /**
     * The ring for {@code cpus} online CPUs: sysdig's default, 8 MiB per CPU (libscap's DEFAULT_DRIVER_BUFFER_BYTES_DIM,
     * one buffer per CPU), as one shared ring (records come out in the order they were produced, with no merge by
     * time): 8 MiB × {@code cpus} rounded up to a power of two (a ring buffer's size must be one), at least
     * {@link #DEFAULT_RING_BYTES} and at most 1 GiB. So the time a drain that gets no CPU may stall before records
     * drop grows with the CPUs producing them, as it does with sysdig's per-CPU buffers.
     */
    public static int defaultRingBytes(int cpus) {
        long want = (8L << 20) * Math.max(1, cpus);
        long ring = DEFAULT_RING_BYTES;
        while (ring < want && ring < MAX_DEFAULT_RING_BYTES) {
            ring <<= 1;
        }
        return (int) ring;
    }
    /**
     * Records consumed per batch: the ring gets their space back at the end of the batch
     * ({@link RingBufReader#drainBatch}), so a batch is kept to a small part of the smallest ring.
     */
    static final int BATCH = 256;
    /**
     * The consumer's wake-up ({@link RingBufReader#pollAvailable}): while records keep coming and the ring is
     * less than a quarter full, at most one drain a {@code LINGER}, of at most {@code POLL_MAX} records (then the
     * stop request and the deadline are looked at). A consumer that chases the producer record by record reads
     * the cache lines the probe is writing, and every one it touches the probe's next write on the other CPU has
     * to take back (and the sys_enter program, the first to write after the traced thread ran, paid most of it:
     * docs/benchmarks.md, "trace: the kernel side per event"). Two milliseconds of a busy host's records are
     * far below a quarter of the ring (about 3,000 records, 100 KB, of 16 MiB).
     */
    static final Duration LINGER = Duration.ofMillis(2);
    static final int POLL_MAX = 16_384;
    /**
     * How long after the stop request (Ctrl-C, SIGTERM, -M) the records already in the ring are still handed on;
     * the rest are read and counted ({@link Summary#leftAtStop}), so the capture ends within about this long
     * whatever each record costs. With -w the writer starts no new file after the stop ({@link CycleWriter#finishing}),
     * so a record costs little and the ring usually empties well within it. Before, a capture whose -C rotation
     * started a file per event (the header tables alone over -C: sysdig's cycle_writer also compares the whole
     * file's offset, header included, with -C) never returned from the ring: each rotation's /proc reads made the
     * records of the next, and the stop was looked at only between drains.
     */
    public static final long STOP_GRACE_NS = 2_000_000_000L;
    /** sysdig's default snap length (-s). */
    public static final int DEFAULT_SNAPLEN = 80;
    /** The iovecs whose buffers the probe copies at most ({@link CaptureProbe#IOV_COPY}), for trace -v's line. */
    public static final int IOV_COPY = CaptureProbe.IOV_COPY;

    /**
     * What to capture.
     *
     * @param filter     the whole filter (null: every event), evaluated in Java on what the kernel passes
     * @param kernel     the part the kernel decides ({@link KernelFilter#ANY} for none)
     * @param snapLen    bytes of I/O buffers kept (-s)
     * @param ringBytes  ring buffer size, a power of two multiple of the page size
     * @param maxEvents  stop after this many matching events (-n), or 0
     * @param duration   stop after this long (-M), or null
     * @param lines      whether the sink wants each event's sysdig line (not when writing a file)
     */
    public record Options(HostPaths paths, Filter filter, KernelFilter kernel, int snapLen, int ringBytes, long maxEvents,
                          Duration duration, boolean lines) {}

    /**
     * One matching event, its sysdig line (null for events sysdig does not print, or with lines off), and its number. State-only
     * events (a thread the inspector did not know, described from the thread table) come here too, with a
     * null line, whatever the filter: a capture file needs them for its later events' process fields.
     */
    @FunctionalInterface
    public interface Sink {
        /** Returns false to stop the capture. */
        boolean accept(ScapEvent event, String line, long num) throws IOException;
    }

    /**
     * A sink that also gets each event's {@link EventView} (for {@code -p}, {@code -j}, {@code -t} and
     * chisels, which read output-only fields), built exactly as {@code -r} builds it: every event read
     * goes through the {@link Timeline}, in order, and the filter is evaluated on the view's fields.
     */
    public interface ViewSink {
        /**
         * One event, its view (null unless {@link Display#views}): state-only events come with a null line
         * whatever the filter, as for {@link Sink}. Returns false to stop the capture.
         */
        boolean accept(ScapEvent event, EventView view, String line, long num) throws IOException;

        /**
         * The ring was found empty: every event up to about {@code now} (ns since the epoch, the events'
         * clock) has been handed over. Returns false to stop the capture. Chisels print their intervals here
         * when no event crosses an interval's end.
         */
        default boolean idle(long now) throws IOException {
            return true;
        }

        /**
         * An event the user's filter left out, with its view (null unless {@link Display#views}): sysdig's live loop
         * hands such events to its chisels' do_timeout (sysdig.cpp, the SCAP_TIMEOUT branch with
         * {@code ev->is_filtered_out()}), so a chisel's clock moves on them; events the kernel dropped by the
         * pushed-down part of the filter never get here ({@link #idle} stands for them).
         */
        default void filtered(ScapEvent event, EventView view) throws IOException {
        }
    }

    /**
     * How events print: {@code -t}, the buffer format ({@code -A}, {@code -x}, {@code -X}), whether
     * buffers are cut at 80 characters (sysdig's default display only) and whether the sink reads
     * {@link EventView}s (null views otherwise: building them costs time per event).
     */
    public record Display(TimeMode time, BufferFormat buffers, boolean cutBuffers, boolean views) {}

    /**
     * What the capture saw.
     *
     * @param records     records read from the ring
     * @param syscallRecords of which system call entries and exits (the rest are process events)
     * @param badRecords  records shorter than their own lengths say, skipped
     * @param events      events built from them
     * @param matched     events the filter kept (handed to the sink)
     * @param dropsPerCpu records lost in the ring, per CPU
     * @param threads     threads in the table at the start
     * @param consumerCpuNs CPU time the consuming thread used in {@link #run} (user + system; what the
     *                    consumer costs per record whatever else the machine runs)
     * @param syscallDrops of the drops, system call records: {@code syscallRecords + syscallDrops} is every
     *                    system call record the kernel produced for the capture
     * @param names       container lookups that found no name, and why ({@link ContainerNames#misses})
     * @param truncatedLists events whose pollfd or iovec list was longer than the probe copies
     *                    ({@link EventBuilder#truncatedLists}): kept with the first items
     * @param fdLimitFromProc execve/execveat exits whose fdlimit came from /proc, the probe not having read the
     *                    task's RLIMIT_NOFILE at the exec ({@link EventBuilder#fdLimitFromProc})
     * @param pathsFromProc exec records whose exe path or cwd the probe's walk did not give, taken from /proc
     *                    ({@link EventBuilder#pathsFromProc})
     * @param leftAtStop  records that were in the ring at the stop and were still unread {@link #STOP_GRACE_NS} after
     *                    the stop request: read and counted (in {@code records}), not handed on. Records the kernel
     *                    writes after the stop are not read (RingBufSet.drainToNow), so the drain ends; and the
     *                    records the ring held at the stop behind a record still being written then, which end its
     *                    drain: counted here and in {@code records}, not read
     * @param cgroupsUnknown fork and exec records whose v2 cgroup id named no directory of the hierarchy when read
     *                    (a cgroup removed before): the thread kept the cgroups /proc or its parent gave
     *                    ({@link LiveThreads#cgroupsUnknown})
     * @param faultDrops  system call exits the driver loses on unreadable user memory, not written (their entries
     *                    are), counted as its page-fault drops ({@link EventBuilder#faultDrops})
     * @param cgroupsForgotten unknown cgroup ids forgotten to keep their set bounded ({@link CgroupPaths#UNKNOWN_MAX}):
     *                    each met again cost one more walk of the hierarchy
     * @param cgroupDirsUnreadable directories of the cgroup v2 hierarchy its last walk could not read (their cgroups
     *                    and those below are not named from the kernel's ids)
     */
    public record Summary(long records, long syscallRecords, long badRecords, long events, long matched, long[] dropsPerCpu, int threads,
                          long consumerCpuNs, long syscallDrops, ContainerNames.Misses names, long truncatedLists,
                          long fdLimitFromProc, long pathsFromProc, long leftAtStop, long cgroupsUnknown,
                          long faultDrops,
                          long cgroupsForgotten, int cgroupDirsUnreadable) {
        public long drops() {
            long d = 0;
            for (long x : dropsPerCpu) {
                d += x;
            }
            return d;
        }

        /**
         * Every record the kernel produced for the capture: those read ({@link #records}, each handed on or counted
         * as malformed) and those the full ring refused ({@link #drops}, counted per CPU by the programs), up to the
         * stop: the last drain reads the rings up to their producer positions at the stop, and what the kernel
         * writes after it is not read nor counted here (the drops counters may still count a few of its misses).
         */
        public long produced() {
            return records + drops();
        }
    }

    private final Options options;
    private final CaptureTables tables;
    private final CaptureProbe probe;
    private final EventBuilder builder;
    private final Inspector inspector;
    private final EventFormatter formatter;
    private final int seedThreads;
    /** Nanoseconds from CLOCK_MONOTONIC (System.nanoTime, bpf_ktime_get_ns) to the epoch. */
    private final long epochOffset;
    private final OpenFlags openFlags;
    private final LiveThreads threads;
    /** Container names from the runtimes; a name they could not give is counted in {@link Summary#names}. */
    private final ContainerNames containers;
    private final DirectLayouts layouts;
    /** The number parameters of the record being written directly ({@link #writeDirect}). */
    private final long[] numbers = new long[DirectLayouts.MAX_PARAMS];
    private long records;
    private long syscallRecords;
    private long badRecords;
    private long events;
    private long matched;
    /** Records read after {@link #STOP_GRACE_NS} past the stop: counted, not handed on. */
    private long leftAtStop;
    private long consumerCpuNs;

    private LiveCapture(Options o, CaptureTables tables, CaptureProbe probe, EventBuilder builder, int seedThreads,
                        long epochOffset, OpenFlags openFlags, LiveThreads threads, DirectLayouts layouts) {
        this.layouts = layouts;
        this.threads = threads;
        this.epochOffset = epochOffset;
        this.openFlags = openFlags;
        this.options = o;
        this.tables = tables;
        this.probe = probe;
        this.builder = builder;
        this.inspector = new Inspector(tables);
        this.formatter = new EventFormatter(inspector, ZoneId.systemDefault());
        this.seedThreads = seedThreads;
        this.containers = new ContainerNames(o.paths());
        this.filterNames = o.filter() != null && readsContainer(o.filter().root()) ? this::filterName : null;
    }

    /** Reads /proc, loads and attaches the programs. The probe is attached before /proc is read. */
    public static LiveCapture start(Options o) throws IOException {
        Arch arch = Arch.current();
        SyscallSignatures sigs = SyscallSignatures.current(o.paths().sysRoot());
        Btf btf = Btf.vmlinux(o.paths().sysRoot());
        List<Integer> regsArgs = PtRegs.syscallArgs(btf, arch);
        int nrOff = PtRegs.of(btf, arch).syscallNr();
        int taskPid = (int) btf.member("task_struct.pid").byteOffset();
        int taskTgid = (int) btf.member("task_struct.tgid").byteOffset();
        KernelFilter k = o.kernel();
        // a pushed-down syscall set or failed-only under a pid, tid or cgroup set: the calls that build the inspector's
        // tables go out state-only (docs/trace.md "State-only records"); host-wide they would be every open and close
        // of the host, which the consumer cannot keep up with (docs/benchmarks.md: 62 % of the ring dropped, kept
        // events with it), so a push-down without a "who" set keeps the old cost and its stale names
        boolean who = k.pids() != null || k.tids() != null || k.cgroupIds() != null;
        byte[] config = SyscallConfig.build(sigs, k.syscalls(), EventBuilder.DECODED::contains,
                who && (k.syscalls() != null || k.failedOnly()), k.failedOnly());
        int snap = Math.max(0, Math.min(o.snapLen(), CaptureProbe.BLOB_MAX));
        long self = ProcessHandle.current().pid();
        // the threads before the attach too: a process that exits between the attach and the scan below
        // has events in the ring but is in neither the scan nor a fork record (LiveThreads keeps it apart)
        TaskTable proc = new TaskTable(o.paths());
        List<TaskInfo> before = proc.threads();
        // attach first, then read /proc: a process that starts in between is in both, never in neither
        CaptureProbe probe = new CaptureProbe(new CaptureProbe.Options(k, snap, self, o.ringBytes(), config, regsArgs, nrOff,
                taskPid, taskTgid, FdOffsets.of(btf), SchedPrograms.TaskCgroup.of(btf)));
        try {
            List<TaskInfo> threads = proc.since(before); // lists /proc again, reads only what is new
            OpenFlags flags = OpenFlags.of(arch);
            CaptureTables tables = LiveTables.of(o.paths(), proc, threads, flags, Cpus.possible());
            long epochOffset = epochNanos() - System.nanoTime();
            LiveThreads live = new LiveThreads(proc, threads, before);
            // the kernel's fork and exec records carry v2 cgroup ids; a v1-only host has no v2 directory to name them
            new io.boxscope.proc.cgroup.CgroupFs(o.paths()).unifiedRoot().ifPresent(root -> live.cgroupPaths(new CgroupPaths(root)));
            EventBuilder builder = new EventBuilder(sigs.table(), flags, live, epochOffset, snap);
            builder.passedExits(k.syscalls(), k.failedOnly());
            return new LiveCapture(o, tables, probe, builder, threads.size(), epochOffset, flags, live,
                    new DirectLayouts(sigs.table(), flags));
        } catch (IOException | RuntimeException e) {
            probe.close();
            throw e;
        }
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The header tables (for {@code -w}). */
    public CaptureTables tables() {
        return tables;
    }

    /**
     * The header tables for a file started during the capture ({@code -C}/{@code -G} rotation), as sysdig's dumper
     * writes its in-memory state into its next file ({@link StateTables}): the inspector's threads and fds at this
     * point of the event stream, kept current by the events, with machine and users of {@code first}. Nothing is read
     * from /proc: before, each rotation re-read every process's fds there (1.4 s with 15,000 fds, records dropped
     * meanwhile), and an fd opened during the previous file by a process gone since was missing.
     */
    public CaptureTables tablesNow(CaptureTables first) {
        return StateTables.of(inspector, first);
    }

    /**
     * Streams events to {@code sink} until it returns false, -n or -M is reached, or {@code stop} says
     * so (checked between polls, at least every 10 ms). Drains what is already in the ring before
     * returning, so events produced before the stop are not lost. Container names come from
     * the runtimes ({@link ContainerNames}).
     */
    public void run(Sink sink, BooleanSupplier stop) throws IOException, InterruptedException {
        loop(new Target() {
            @Override
            public boolean accept(ScapEvent e, EventView view, String line, long num) throws IOException {
                return sink.accept(e, line, num);
            }

            @Override
            public boolean idle(long now) {
                return true;
            }
        }, null, stop);
    }

    /**
     * {@code -w}: writes every event to {@code writer} (state-only events too: {@code sysdig -r} needs them for
     * the process fields), until -n or -M is reached or {@code stop} says so, as {@link #run(Sink, BooleanSupplier)}
     * with a sink that writes. Without a filter, the entry and exit records of system calls that are generic
     * events ({@link EventBuilder#genericPpmSc}) or have a {@link DirectLayouts} layout (read, write, openat, close...),
     * of threads the capture already knows, go from the ring record straight into the writer's buffer
     * ({@link CycleWriter#writeGeneric}, {@link CycleWriter#writeNumbers}): the same blocks, without building
     * records, events and parameter arrays or applying them to the inspector's tables, which nothing reads
     * while only writing (no filter, no lines). That is the bulk of a busy host's system calls.
     */
    public void write(CycleWriter writer, BooleanSupplier stop) throws IOException, InterruptedException {
        direct = options.filter() == null && !options.lines() ? writer : null;
        writing = writer;
        tracking = writer.rotates();
        // the containers of the threads running at the start, then each new one before its thread's first
        // event written (events written directly are of threads seen before: described already)
        containers.prime(); // names for the containers running now, before they are described (libsinsp's /proc scan)
        ContainerEvents described = new ContainerEvents(containers, writer);
        for (io.boxscope.trace.scap.ThreadInfo t : tables.threads()) {
            described.see(t.cgroups());
        }
        arriving = described;
        try {
            run((e, line, num) -> {
                Inspector.Thread t = inspector.thread(e.tid());
                if (t != null) {
                    described.see(t.cgroups());
                }
                writer.write(e);
                return true;
            }, stop);
        } finally {
            direct = null;
            writing = null;
            tracking = false;
            arriving = null;
        }
    }

    /**
     * {@link #run(Sink, BooleanSupplier)} handing each event's {@link EventView} to {@code sink}, printed as
     * {@code display} says; {@link ViewSink#idle} is called whenever the ring is found empty.
     */
    public void run(ViewSink sink, Display display, BooleanSupplier stop) throws IOException, InterruptedException {
        loop(new Target() {
            @Override
            public boolean accept(ScapEvent e, EventView view, String line, long num) throws IOException {
                return sink.accept(e, view, line, num);
            }

            @Override
            public boolean idle(long now) throws IOException {
                return sink.idle(now);
            }

            @Override
            public void filtered(ScapEvent e, EventView view) throws IOException {
                sink.filtered(e, view);
            }
        }, display, stop);
    }

    /** Where {@link #loop} hands events: a {@link Sink} or a {@link ViewSink}. */
    private interface Target {
        boolean accept(ScapEvent e, EventView view, String line, long num) throws IOException;

        boolean idle(long now) throws IOException;

        /** An event the filter left out ({@link ViewSink#filtered}). */
        default void filtered(ScapEvent e, EventView view) throws IOException {
        }
    }

    private void loop(Target sink, Display display, BooleanSupplier stop) throws IOException, InterruptedException {
        long cpu0 = threadCpuNs();
        try {
            consume(sink, display, stop);
        } finally {
            consumerCpuNs += Math.max(0, threadCpuNs() - cpu0);
        }
    }

    /**
     * CPU time of the calling thread: the first field of /proc/thread-self/schedstat (ns on the CPU;
     * Documentation/scheduler/sched-stats.rst). This process's own thread, not the traced host's, so not
     * under the capture's proc root. 0 when the file cannot be read (the figure is then 0, not a guess).
     */
    private static long threadCpuNs() {
        try {
            String s = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/schedstat"));
            return Long.parseLong(s.substring(0, s.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private void consume(Target sink, Display display, BooleanSupplier stop) throws IOException, InterruptedException {
        containers.prime(); // the containers running at the start are named before the first event (libsinsp's /proc scan)
        Timeline timeline = null;
        if (display != null) {
            formatter.buffers(display.buffers(), display.cutBuffers());
        }
        if (display != null && display.views()) {
            // the display never waits for a scan: only a filter that reads container fields does (filterNames)
            timeline = new Timeline(formatter, inspector, ZoneId.systemDefault(), display.time(), containers);
        }
        Timeline views = timeline;
        long deadline = options.duration() == null ? Long.MAX_VALUE : System.nanoTime() + options.duration().toNanos();
        boolean[] more = {true};
        // when the stop (or -M's deadline) was seen, 0 before; the records after STOP_GRACE_NS of it are only counted
        long[] stopAt = {0};
        boolean[] cut = {false};
        RingBufReader.Handler handler = rec -> {
            if (stopAt[0] == 0) {
                if (stop.getAsBoolean() || deadline != Long.MAX_VALUE && System.nanoTime() >= deadline) {
                    stopAt[0] = System.nanoTime();
                    stopping();
                }
            } else if (!cut[0] && System.nanoTime() - stopAt[0] > STOP_GRACE_NS) {
                cut[0] = true;
            }
            if (cut[0]) {
                records++;
                leftAtStop++; // read, counted and shown at exit, not handed on: the stop is kept
                return;
            }
            if (arriving != null) {
                arriving.arrivals(); // a container a scan has named since: described before this record
            }
            if (direct != null && writeDirect(rec, more)) {
                return;
            }
            records++;
            RawRecord r;
            try {
                r = RawRecord.parse(rec);
            } catch (IllegalArgumentException e) {
                badRecords++; // counted and shown, never fatal
                return;
            }
            if (r.kind() == RawRecord.ENTER || r.kind() == RawRecord.EXIT) {
                syscallRecords++;
                if (r.stateOnly()) {
                    stateRecords++;
                }
            }
            if (r.kind() == RawRecord.EXIT && RawRecord.entryImplied(rec)) {
                // the entry the kernel did not send (DatagramState): made from the exit's arguments, state-only
                for (ScapEvent e : builder.events(r.impliedEntry())) {
                    if (more[0] && !handleState(e, sink, views)) {
                        more[0] = false;
                    }
                }
            }
            // each record is handled as it is read: a process event (fork, exit) changes the thread
            // table that the next records' events are built from
            for (ScapEvent e : builder.events(r)) {
                if (more[0] && !(r.stateOnly() ? handleState(e, sink, views) : handle(e, sink, containers, views))) {
                    more[0] = false;
                }
            }
            if (r.kind() == RawRecord.EXEC && more[0] && !stateExec(r, sink, views)) {
                more[0] = false;
            }
        };
        try {
            while (more[0] && stopAt[0] == 0) {
                if (stop.getAsBoolean() || System.nanoTime() >= deadline) {
                    stopAt[0] = System.nanoTime();
                    stopping();
                    break;
                }
                if (probe.rings().pollAvailable(handler, Duration.ofMillis(10), LINGER, BATCH, POLL_MAX) == 0 && more[0]
                        && !sink.idle(System.nanoTime() + epochOffset)) {
                    break;
                }
            }
            if (stopAt[0] != 0) {
                // what the kernel produced up to now, and no more: each ring up to its producer position now (a busy
                // host never leaves the ring empty, and drain(), which re-reads the producers, never ended while they
                // wrote faster than the consumer reads); handed on for STOP_GRACE_NS after the stop, then only
                // counted (a -C rotation per event can take longer than the producers: its /proc reads make records
                // of their own). The records written after this are not read: the capture has stopped.
                // a record still being written at the stop ends its ring's drain: those behind it are counted
                long behind = probe.rings().drainToNow(handler).left();
                records += behind;
                leftAtStop += behind;
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** {@link #write}'s writer while it writes: told when the capture stops ({@link CycleWriter#finishing}). */
    private CycleWriter writing;

    private void stopping() {
        if (writing != null) {
            writing.finishing();
        }
    }

    /**
     * {@link #write}'s container descriptions while it writes: the names the scan thread found since the last record
     * are described before the next ({@link ContainerEvents#arrivals}).
     */
    private ContainerEvents arriving;

    /** Where {@link #write} sends the events of generic system calls directly, or null (every event is built). */
    private CycleWriter direct;
    /**
     * {@link #write} into rotated files: every built event is applied to the inspector, and the system calls whose
     * events change its tables (open, close, dup, fcntl...) are built, not written directly, so that each new file's
     * tables ({@link #tablesNow}) are the stream's state.
     */
    private boolean tracking;
    /** By system call number: its exit event changes the tables ({@link StateTables#changesTables}); built lazily. */
    private boolean[] stateCalls;

    private boolean changesTables(long nr) {
        if (stateCalls == null) {
            boolean[] calls = new boolean[1024];
            for (int n = 0; n < calls.length; n++) {
                DirectLayouts.Layout exit = layouts.of(n, false);
                calls[n] = exit != null && StateTables.changesTables(exit.type());
            }
            stateCalls = calls;
        }
        return nr < 0 || nr >= stateCalls.length || stateCalls[(int) nr];
    }
    /**
     * The last event applied was a process exit: the inspector forgets the thread when it applies the next
     * event ({@link Inspector#apply}), so the next record takes the full path, which applies it.
     */
    private boolean exitPending;
    private static final int PROCEXIT = io.boxscope.trace.scap.EventTable.get().byConstant("PPME_PROCEXIT_1_E").id();
    /** By event type: clone family, execve and process exit events (they create, name and remove threads). */
    private static final boolean[] THREAD_EVENTS = threadEvents();

    private static boolean[] threadEvents() {
        boolean[] out = new boolean[1024];
        java.util.Set<String> names = java.util.Set.of("clone", "clone3", "fork", "vfork", "execve", "execveat", "procexit");
        for (int t = 0; t < out.length; t++) {
            out[t] = io.boxscope.trace.scap.EventTable.get().info(t).map(i -> names.contains(i.name())).orElse(true);
        }
        return out;
    }

    private static boolean threadEvent(int type) {
        return type < 0 || type >= THREAD_EVENTS.length || THREAD_EVENTS[type];
    }

    private static final java.lang.foreign.ValueLayout.OfInt I32 = java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
    private static final java.lang.foreign.ValueLayout.OfLong I64 = java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

    /**
     * Writes the ring record {@code rec} straight into the file when it is the entry or exit of a system call
     * of a thread the inspector knows by name (a thread it does not know first gets a state-only clone event on
     * the full path) and either generic (its number only: {@link CycleWriter#writeGeneric}) or one of the
     * {@link DirectLayouts} (numbers and a buffer or path: {@link CycleWriter#writeNumbers}); false when the record is
     * to take the full path. Counts it as the full path would (record, system call record, event, matched).
     */
    private boolean writeDirect(java.lang.foreign.MemorySegment rec, boolean[] more) {
        long size = rec.byteSize();
        if (exitPending || size < RawRecord.GENERIC_SIZE) {
            return false;
        }
        int kind = RawRecord.kind(rec);
        if (kind != RawRecord.ENTER && kind != RawRecord.EXIT || RawRecord.stateOnly(rec)) {
            return false;
        }
        long nr = RawRecord.syscallNr(rec);
        int sc = builder.genericPpmSc(nr);
        DirectLayouts.Layout layout = null;
        long bufOff = 0;
        int bufLen = -1;
        if (sc < 0) {
            layout = layouts.of(nr, kind == RawRecord.ENTER);
            if (layout == null || size < RawRecord.DATA || tracking && changesTables(nr)) {
                return false;
            }
            if (layout.varIndex() >= 0) {
                long lens = rec.get(I64, RawRecord.LENS);
                bufOff = RawRecord.DATA;
                for (int k = 0; k < layout.varSlot(); k++) {
                    bufOff += lens >>> 16 * k & 0xffff;
                }
                bufLen = (int) (lens >>> 16 * layout.varSlot() & 0xffff);
                if (bufOff + bufLen > size || bufLen >= 0xffff) {
                    return false; // the full path counts it as malformed
                }
            }
        } else if (size >= RawRecord.DATA && rec.get(I64, RawRecord.LENS) != 0) {
            return false;
        }
        long tid = RawRecord.tid(rec);
        Inspector.Thread t = inspector.thread(tid);
        if (t == null || t.comm() == null) {
            return false;
        }
        records++;
        syscallRecords++;
        builder.forgetEnter(tid);
        if (!more[0]) {
            return true; // stopping: read and counted, as the full path does after the sink said stop
        }
        events++;
        matched++;
        long ts = RawRecord.ts(rec) + epochOffset;
        int cpu = RawRecord.cpu(rec);
        try {
            if (layout == null) {
                direct.writeGeneric(ts, tid, cpu, kind == RawRecord.ENTER, sc, (int) nr);
            } else {
                layouts.values(layout, rec, numbers);
                direct.writeNumbers(ts, tid, cpu, layout.type(), layout.sizes(), numbers, layout.varIndex(), rec, bufOff, bufLen);
            }
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        if (options.maxEvents() > 0 && matched >= options.maxEvents()) {
            more[0] = false;
        }
        return true;
    }

    /**
     * The new image of a thread the inspector knows, for an exec whose exit the capture will not see
     * ({@link EventBuilder#stateExec}): applied and handed on state-only (written by {@code -w}, never printed), as
     * {@link #handle} hands on a state-only clone; false when the capture is to stop.
     */
    private boolean stateExec(RawRecord r, Target sink, Timeline views) {
        Inspector.Thread known = inspector.thread(r.tid());
        if (known == null || known.comm() == null) {
            return true; // its next event brings a state-only clone from the thread table, which has the new image
        }
        ScapEvent state = builder.stateExec(r);
        if (state == null) {
            return true;
        }
        try {
            formatter.apply(state); // not counted in events, as a state-only clone is not
            return sink.accept(state, views == null ? null : views.view(state), null, formatter.num());
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /**
     * An event of a state-only record ({@link RawRecord#stateOnly}: a call the pushed-down filter leaves out, sent
     * because it builds the fd or thread tables later kept events are named from): applied to the inspector and handed on
     * state-only ({@code SCAP_DF_STATE_ONLY}: {@code -w} writes it, so that {@code sysdig -r} names the later events as
     * this capture does; never printed, counted, filtered or shown to chisels), as sysdig's parser sees every event before
     * its filter; false when the capture is to stop. A thread the inspector does not know gets its state-only clone first,
     * as in {@link #handle}.
     */
    private boolean handleState(ScapEvent e, Target sink, Timeline views) {
        try {
            stateEvents++;
            Inspector.Thread known = inspector.thread(e.tid());
            if (known == null || known.comm() == null) {
                ScapEvent clone = builder.stateClone(e.tid(), e.ts(), e.cpu());
                if (clone != null) {
                    formatter.apply(clone);
                    if (!sink.accept(clone, views == null ? null : views.view(clone), null, formatter.num())) {
                        return false;
                    }
                }
            }
            ScapEvent state = new ScapEvent(e.ts(), e.tid(), e.cpu(), e.type(), e.params(), EventBuilder.STATE_ONLY);
            formatter.apply(state);
            return sink.accept(state, views == null ? null : views.view(state), null, formatter.num());
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** System call records flagged state-only ({@link RawRecord#stateOnly}) so far, among the system call records. */
    private long stateRecords;

    /** System call records the kernel sent state-only so far (counted among the summary's system call records too). */
    public long stateRecords() {
        return stateRecords;
    }

    /** Events of state-only records ({@link #handleState}) so far. */
    private long stateEvents;

    /** Events of state-only records so far: calls the push-down left out, applied to the tables only. */
    public long stateEvents() {
        return stateEvents;
    }

    /**
     * The container names a Java filter that reads container fields gets (null for any other filter, which never
     * waits): the lookup waits for the scan a container not named yet starts, at most {@link #FILTER_WAIT_NS} (the
     * ring consumer must not stall for a runtime's socket timeout), so that {@code container.name=X} keeps the first
     * events of a container started during the capture instead of dropping them while the runtime answers. An
     * interrupt ends the wait (the stop), the lookup then answers what is known.
     */
    private final Function<ContainerRef, ContainerInfo> filterNames;
    /** The longest a filter's container lookup waits for a scan on the ring consumer thread. */
    static final long FILTER_WAIT_NS = 500_000_000L;

    private ContainerInfo filterName(ContainerRef ref) {
        try {
            return containers.applyWaiting(ref, FILTER_WAIT_NS);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt(); // kept for the loop, which stops on it
            return containers.apply(ref);
        }
    }

    /** Whether the filter compares a container.* field: only then does its lookup wait for a scan ({@link #filterNames}). */
    static boolean readsContainer(Expr e) {
        return switch (e) {
            case Expr.And a -> a.terms().stream().anyMatch(LiveCapture::readsContainer);
            case Expr.Or o -> o.terms().stream().anyMatch(LiveCapture::readsContainer);
            case Expr.Not n -> readsContainer(n.term());
            case Expr.Const c -> false;
            case Expr.Check c -> c.field().field().fieldClass() == FieldClass.CONTAINER;
        };
    }

    /** Applies one event, filters it, hands it on; false when the capture is to stop. */
    private boolean handle(ScapEvent e, Target sink, ContainerNames containers, Timeline views) {
        try {
            events++;
            Inspector.Thread known = inspector.thread(e.tid());
            if (known == null || known.comm() == null) {
                ScapEvent state = builder.stateClone(e.tid(), e.ts(), e.cpu());
                if (state != null) {
                    formatter.apply(state);
                    if (!sink.accept(state, views == null ? null : views.view(state), null, formatter.num())) {
                        return false;
                    }
                }
            }
            // only writing (no filter, no lines) into one file: nothing reads the inspector but its thread names, so
            // events of known threads that cannot change a thread's existence or name are not applied
            if (direct == null || tracking || exitPending || known == null || known.comm() == null || threadEvent(e.type())) {
                formatter.apply(e);
                exitPending = e.type() == PROCEXIT;
            }
            EventView view = views == null ? null : views.view(e);
            if (options.filter() != null && !(filterNames != null
                    ? new ScapFields(formatter, inspector, e, filterNames) // waits for a scan; the view's lookups do not
                    : view != null ? view.fields() : new ScapFields(formatter, inspector, e, containers)).kept(options.filter())) {
                sink.filtered(e, view);
                return true;
            }
            matched++;
            String line = options.lines() ? formatter.line(e) : null;
            return sink.accept(e, view, line, formatter.num()) && (options.maxEvents() <= 0 || matched < options.maxEvents());
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    public Summary summary() {
        return new Summary(records, syscallRecords, badRecords, events, matched, probe.dropsPerCpu(), seedThreads, consumerCpuNs,
                probe.syscallDrops(), containers.misses(), builder.truncatedLists(),
                builder.fdLimitFromProc(), builder.pathsFromProc(), leftAtStop, threads.cgroupsUnknown(),
                builder.faultDrops(),
                threads.cgroupsForgotten(), threads.cgroupDirsUnreadable());
    }

    /** Drops per CPU so far (for the capture file's drop record). */
    /**
     * Whether sys_enter and sys_exit were loaded as tp_btf programs (a typed {@code struct pt_regs *}: the
     * syscall number and arguments are plain loads) rather than raw tracepoint programs (a probe read each):
     * {@link CaptureProbe#typedRegs}. Decided when the capture starts, by whether the kernel loads the pair.
     */
    public boolean typedRegs() {
        return probe.typedRegs();
    }

    /**
     * How records reach the consumer, one line ({@link CaptureProbe#ringLayout}): one ring per CPU merged by time, or
     * one shared ring and why the per-CPU rings were refused.
     */
    public String ringLayout() {
        return probe.ringLayout();
    }

    /**
     * Null when the exec program was loaded whole; else one line saying what the kernel's verifier refused and that
     * the exec paths then come from /proc ({@link CaptureProbe#execFallback}).
     */
    public String execFallback() {
        return probe.execFallback();
    }

    /** The kernel side (tests read its rings directly). */
    CaptureProbe probe() {
        return probe;
    }

    /** Whether the capture fell back to one shared ring because the kernel refused an array of ring buffers. */
    public boolean sharedRingFallback() {
        return probe.rings().size() == 1 && io.boxscope.bpf.sys.Cpus.online().size() > 1;
    }

    /** Runs of the capture's programs the kernel skipped so far ({@link CaptureProbe#skipped}). */
    public long skipped() {
        return probe.skipped();
    }

    public long[] dropsPerCpu() {
        return probe.dropsPerCpu();
    }

    @Override
    public void close() {
        probe.close();
    }
}
