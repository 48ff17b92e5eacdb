package io.boxscope.tools.core;

import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.runtime.ProbeRunException;
import io.boxscope.probe.runtime.ProbeSession;
import io.boxscope.probe.runtime.ProbeSink;

/**
 * One run of a tool's script: compiled with the tool's parameters, loaded, restricted to the
 * target's cgroup, attached; then {@link #run} polls the ring buffer until the schedule ends, the
 * caller asks to stop (Ctrl-C, SIGTERM) or the script calls {@code exit()}, and {@link #close}
 * detaches everything. Records reach the tool as typed values through a {@link ProbeSink}; nothing
 * here prints.
 */
public final class ToolSession implements AutoCloseable {
    /** How long one poll of the ring buffer blocks: the latency of noticing a stop request. */
    static final Duration POLL = Duration.ofMillis(100);

    private final ProbeSession session;
    private final CompiledScript compiled;
    private boolean finished;

    private ToolSession(CompiledScript compiled, ProbeSession session) {
        this.compiled = compiled;
        this.session = session;
    }

    /**
     * Compiles {@code script} with {@code params} ($1..$N), loads it, applies the target's cgroup
     * filter and attaches every probe; BEGIN has run when this returns (attaching runs it first, as
     * bpftrace does). Nothing is read from the ring buffer yet: what BEGIN printed, and the records of
     * probes that fired since attaching, reach the sink of the first {@link #run} or {@link #poll}, so a
     * tool prints its header right after attaching, before decoding any event.
     *
     * @throws ProgramException      the script does not compile on this kernel
     * @throws ProbeRunException     loading or attaching failed (the message says which probe and why)
     * @throws AccessDeniedException tracefs or BTF is not readable (not root)
     */
    public static ToolSession start(ToolScript script, Path sysRoot, ToolTarget target, List<String> params)
            throws ProgramException, ProbeRunException, AccessDeniedException {
        return start(script, sysRoot, target, params, io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_RING_BYTES, step -> { });
    }

    /**
     * As above, with a ring buffer of {@code ringBytes} bytes (a power of two; CheckOptions#ringBytes);
     * {@code phase} is called with the name of each start-up step as it ends (compiled, loaded, attached),
     * where a command that shows its start-up phases (BOXSCOPE_DEBUG) times them.
     */
    public static ToolSession start(ToolScript script, Path sysRoot, ToolTarget target, List<String> params,
                                    int ringBytes, Consumer<String> phase)
            throws ProgramException, ProbeRunException, AccessDeniedException {
        CompiledScript compiled = script.compile(sysRoot, params, target.cgroupDir() != null, ringBytes);
        phase.accept("parsed, checked and compiled");
        ProbeSession s = ProbeSession.load(compiled, script.name() + ".bt");
        phase.accept("loaded (maps created, verifier)");
        try {
            if (target.cgroupDir() != null) {
                s.filterCgroup(target.cgroupDir());
            }
            s.attach(); // runs BEGIN first, as bpftrace does
            phase.accept("attached");
            return new ToolSession(compiled, s);
        } catch (ProbeRunException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Attach points in all ({@code tracepoint:syscalls:sys_enter_open*} counts each). */
    public int probes() {
        return compiled.probeCount();
    }

    /** The script's printf formats by number, as {@link ProbeSink#printf} numbers them. */
    public List<String> printfFormats() {
        return session.printfFormats();
    }

    /** A tick of an interval tool: called every interval; returns false to end the run (count reached). */
    @FunctionalInterface
    public interface Tick {
        boolean tick();
    }

    /**
     * Polls until {@code schedule}'s duration is over, {@code stop} returns true, the script exits or
     * {@code tick} returns false; calls {@code tick} every {@code schedule.interval()} (when set).
     * Then detaches, runs END and hands the records left and the maps to {@code sink}
     * ({@link io.boxscope.probe.output.Event.Exit}). Lost records reach the sink as
     * {@link io.boxscope.probe.output.Event.Lost} as they are noticed. Returns why it ended.
     */
    public End run(Schedule schedule, BooleanSupplier stop, ProbeSink sink, Tick tick) throws InterruptedException {
        return run(schedule, stop, sink, tick, () -> { });
    }

    /**
     * {@link #run(Schedule, BooleanSupplier, ProbeSink, Tick)}, calling {@code beforeDetach} once the run is over
     * and while every program is still attached (hardirqs reads the kernel's counters there, so that its last
     * window ends while the programs still run).
     */
    public End run(Schedule schedule, BooleanSupplier stop, ProbeSink sink, Tick tick, Runnable beforeDetach)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = schedule.duration() == null ? Long.MAX_VALUE : start + schedule.duration().toNanos();
        long intervalNs = schedule.interval() == null ? 0 : schedule.interval().toNanos();
        long nextTick = intervalNs > 0 ? start + intervalNs : Long.MAX_VALUE;
        End end;
        while (true) {
            if (stop.getAsBoolean()) {
                end = End.STOPPED;
                break;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                end = End.DURATION;
                break;
            }
            if (now - nextTick >= 0) {
                nextTick += intervalNs;
                if (!tick.tick()) {
                    end = End.COUNT;
                    break;
                }
                continue;
            }
            long wait = Math.min(POLL.toNanos(), Math.min(deadline - now, nextTick - now));
            if (session.poll(Duration.ofNanos(Math.max(1_000_000, wait)), sink)) {
                end = End.EXITED;
                break;
            }
        }
        beforeDetach.run();
        finish(sink);
        return end;
    }

    /** Runs without ticks. */
    public End run(Schedule schedule, BooleanSupplier stop, ProbeSink sink) throws InterruptedException {
        return run(schedule, stop, sink, () -> true);
    }

    /** Why {@link #run} returned. */
    public enum End {
        /** The caller's stop (Ctrl-C, SIGTERM, a closed pipe). */
        STOPPED,
        /** {@code -d}/{@code --duration} ran out. */
        DURATION,
        /** The interval count was reached. */
        COUNT,
        /** The script called {@code exit()}. */
        EXITED
    }

    /** Detaches and hands the last records and the maps to {@code sink}; once. */
    public void finish(ProbeSink sink) {
        if (!finished) {
            finished = true;
            session.finish(sink);
        }
    }

    /** Records the ring buffer dropped so far (user space fell behind). */
    public long lost() {
        return session.lost();
    }

    /** Runs of the script's programs the kernel skipped so far (another BPF program was running on the CPU). */
    public long skipped() {
        return session.skipped();
    }

    /** Updates of the script's map {@code name} ({@code "@name"}) that failed in the kernel so far (the map was full). */
    public long failedUpdates(String name) {
        return session.failedUpdates(name);
    }

    /** One of the script's maps ({@code "@name"}) as it is now: an interval tool's snapshot. */
    public MapDump map(String name) {
        return session.map(name);
    }

    /**
     * How much each entry of the counting map {@code name} grew since the previous call, without clearing it
     * (nothing lost between a read and a clear); keys idle for a whole interval are deleted
     * ({@link ProbeSession#growth}).
     */
    public MapDump growth(String name) {
        return session.growth(name);
    }

    /** True if {@code name} holds counters ({@link #growth} reads it), false for plain values (labels). */
    public boolean counts(String name) {
        return session.counts(name);
    }

    /** Deletes the entries of the label map {@code label} whose key none of {@code counters} holds ({@link ProbeSession#pruneLabels}). */
    public int pruneLabels(String label, List<String> counters) {
        return session.pruneLabels(label, counters);
    }

    /** Throws unless {@link #pruneLabels} can run with these maps ({@link io.boxscope.probe.runtime.ProbeSession#checkLabel}). */
    public void checkLabel(String label, List<String> counters) {
        session.checkLabel(label, counters);
    }

    /** Idle keys {@link #growth} deleted so far, and of those the ones taken with two system calls. */
    public long[] growthEvictions() {
        return session.growthEvictions();
    }

    /** Empties one of the script's maps, as {@code clear()} does (after an interval's snapshot). */
    public void clear(String name) {
        session.clear(name);
    }

    /** Waits for records without a schedule (tests); true once the script has called {@code exit()}. */
    public boolean poll(Duration timeout, ProbeSink sink) throws InterruptedException {
        return session.poll(timeout, sink);
    }

    @Override
    public void close() {
        session.close();
    }
}
