package io.boxscope.tools.core;

import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.output.Event;
import io.boxscope.probe.runtime.ProbeRunException;
import io.boxscope.probe.runtime.ProbeSink;

/**
 * A per-event tool (execsnoop, opensnoop, ...): its script sends each event as {@code printf}
 * records, {@link #decode} turns them into the tool's event record, and {@link #run} hands those to
 * a {@link Listener} until the schedule ends or the caller stops it. The command in cli only parses
 * options and renders the events.
 *
 * @param <E> the tool's event record
 */
public abstract class EventTool<E> {
    /**
     * The ring buffer of the per-event tools: 8 MiB, eight times the probe runtime's default
     * ({@link io.boxscope.probe.lang.sema.CheckOptions#DEFAULT_RING_BYTES}). A JVM reader that waits for a CPU
     * loses events a C reader does not (opensnoop under python's open loop: libbpf-tools lost none with 64
     * pages per CPU); 8 MiB cut opensnoop's losses from 89-134 k to 6-78 k of 250 k events for 7 MB more
     * peak RSS (docs/benchmarks.md, "Ring buffer size"). bpftrace's BPFTRACE_PERF_RB_PAGES overrides it.
     */
    public static final int DEFAULT_RING_BYTES = 8 << 20;


    /** What the tool's caller receives, on the thread that called {@link #run}. */
    public interface Listener<E> {
        /** Every probe is attached: libbpf-tools print their header now. */
        void started(int probes);

        /** One event, in the order the kernel wrote them. */
        void event(E event);

        /** {@code events} were dropped since the last call (the ring buffer was full). */
        void lost(long events);

        /** The kernel skipped the tool's programs {@code events} times since the last call (another BPF program was running on the CPU). */
        void skipped(long events);

        /** Updates of one of the script's maps failed since the last call (it was full): what the tool shows is incomplete. */
        default void mapUpdatesFailed(Event.MapUpdateFailed failure) {
        }

        /**
         * Every event read so far has been delivered ({@link ProbeSink#drained}): where a caller that
         * buffers its output writes it out, once for a batch of events rather than once an event.
         */
        default void drained() {
        }

        /**
         * Where the caller takes events as text lines written straight from the records (its output to a file or
         * a pipe: {@code Opensnoop.lines}), or null (the default): then every event is decoded and reaches
         * {@link #event}. Asked once, once every probe is attached: right after {@link #started} (the header) and
         * before any record is read, so that a caller may decide its output's mode (isatty(1), an ioctl through the
         * {@code syscall(2)} downcall) only then, when loading has linked that downcall, and not wait for its linking
         * on the way to compiling.
         */
        default RecordLines lines() {
            return null;
        }

        /** A start-up step ended ({@link ToolSession#start}'s steps, then "tool started"): for BOXSCOPE_DEBUG's timings. */
        default void phase(String step) {
        }
    }

    /** The tool's script ({@link ToolScript#of}). */
    protected abstract ToolScript script();

    /**
     * The tool's script for the kernel under {@code sysRoot}: {@link #script()} unless a tool adapts
     * it to the tracepoints this kernel has (statsnoop's stat() and lstat() exist only on some
     * architectures).
     *
     * @throws AccessDeniedException tracefs is not readable (not root)
     */
    protected ToolScript script(Path sysRoot) throws AccessDeniedException {
        return script();
    }

    /**
     * Whether the script filters the target's cgroup itself (from its parameters) instead of the
     * runtime checking the current task's cgroup in every probe: for events the kernel handles in
     * whatever task is running (tcplife's sockets, in softirq context). False by default.
     */
    protected boolean filtersCgroupItself() {
        return false;
    }

    /** The script's positional parameters for this target and the tool's options. */
    protected abstract List<String> params(ToolTarget target);

    /**
     * One printf record of the script; returns the event it completes, or null when it completes
     * none (a part of an event, such as one argument of an exec, or an event filtered in user space).
     */
    protected abstract E decode(int formatId, Args args);

    /**
     * One printf record on the values path, as {@link #run} decodes it: the event it completes, or null. For the
     * tests that compare a tool's {@link RecordLines} with its decoded events' lines.
     */
    public final E event(int formatId, Event.Printf printf) {
        return decode(formatId, Args.of(printf));
    }

    /**
     * Called once every probe is attached, right after {@link Listener#started} (the header) and before any
     * event is read: where a tool's clock starts (-t/-T). Nothing predating tracing is read from /proc here:
     * what a script needs about older processes it reads from the kernel (execsnoop's and exitsnoop's parent:
     * task->real_parent->tgid; exitsnoop's start: task->start_time), as libbpf-tools do. Records the kernel
     * writes meanwhile wait in the ring buffer and are decoded after this.
     */
    protected void started(ToolSession session) {}

    /**
     * Runs the tool: compiles and attaches its script, calls {@code started}, then delivers events
     * until {@code schedule} ends, {@code stop} returns true or the script exits; everything is
     * detached when this returns.
     *
     * @throws ProgramException      the script does not compile on this kernel
     * @throws ProbeRunException     loading or attaching failed
     * @throws AccessDeniedException tracefs or BTF is not readable (not root)
     */
    public final ToolSession.End run(Path sysRoot, ToolTarget target, Schedule schedule, BooleanSupplier stop,
                                     Listener<E> listener)
            throws ProgramException, ProbeRunException, AccessDeniedException, InterruptedException {
        return run(sysRoot, target, schedule, stop, listener, DEFAULT_RING_BYTES);
    }

    /** As above, with a ring buffer of {@code ringBytes} bytes (a power of two; CheckOptions#ringBytes). */
    public final ToolSession.End run(Path sysRoot, ToolTarget target, Schedule schedule, BooleanSupplier stop,
                                     Listener<E> listener, int ringBytes)
            throws ProgramException, ProbeRunException, AccessDeniedException, InterruptedException {
        // Nothing is read from the ring buffer before the header: ToolSession.start runs BEGIN (attach does) but
        // leaves its records, and those of probes that fired since attaching, to the first poll of s.run. So
        // the header follows attaching at once, as libbpf-tools print theirs before polling, and the events of
        // start-up are decoded after started() seeded what the tool keeps in user space.
        var sink = new ProbeSink() {
            /** The listener's, asked once every probe is attached ({@link Listener#lines}). */
            RecordLines lines;

            @Override
            public boolean record(int formatId, io.boxscope.probe.runtime.PrintfRecord record) {
                return lines != null && lines.write(formatId, record);
            }

            @Override
            public void printf(int formatId, Event.Printf printf) {
                E e = EventTool.this.event(formatId, printf);
                if (e != null) {
                    listener.event(e);
                }
            }

            @Override
            public void event(Event event) {
                if (event instanceof Event.Lost l) {
                    listener.lost(l.events());
                } else if (event instanceof Event.Skipped s) {
                    listener.skipped(s.events());
                } else if (event instanceof Event.MapUpdateFailed f) {
                    listener.mapUpdatesFailed(f);
                }
            }

            @Override
            public void drained() {
                listener.drained();
            }
        };
        ToolTarget session = filtersCgroupItself() ? new ToolTarget(target.pid(), null, target.containerName()) : target;
        try (ToolSession s = ToolSession.start(script(sysRoot), sysRoot, session, params(target), ringBytes, listener::phase)) {
            listener.started(s.probes());
            sink.lines = listener.lines();
            // after the header, as libbpf-tools print theirs once attached; records wait in the ring buffer
            started(s);
            listener.phase("tool started");
            return s.run(schedule, stop, sink);
        }
    }
}
