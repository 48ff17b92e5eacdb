package io.boxscope.trace.chisel;

import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.output.EventView;

import java.util.function.Consumer;

/**
 * A chisel: sysdig's name for a small analysis that reads the event stream and prints a result, here
 * written in Java with the output of sysdig 0.29's Lua chisel of the same name.
 *
 * <p>The engine (the {@code trace} command) applies the user's filter first, then the chisel's own
 * {@link #filter()}, and calls {@link #event} with every event both keep, in order; at the end of the
 * capture (end of file, {@code -n}, a signal, or the chisel saying it is {@link #done}) it calls {@link #end}
 * once. Before the first event it calls {@link #start}, and {@link #seen} with every event it reads, before
 * any filter (sysdig's on_init/on_capture_start and do_timeout). Lines go to the sink; a chisel never prints
 * by itself.
 *
 * <p><b>Aggregation in the kernel.</b> A chisel whose result is a table of sums by key is a
 * {@link TableChisel}: its {@link TableChisel#spec()} names the key fields, the value field and the
 * filter, and its state is nothing but a map from keys to sums, fed through {@link TableChisel#add}. On a
 * live capture, the tables keyed by {@code evt.type} alone (topscalls, topscalls_time) are counted in the
 * kernel when the filter pushes down whole ({@link io.boxscope.trace.live.KernelChisel}), which calls
 * {@link TableChisel#add} with the counters' growth every second instead of streaming events; the
 * rendering, top N and units stay the same. Chisels keyed by process, file or container, or that need the
 * fd table or buffers, run on the stream.
 */
public interface Chisel {
    /** What the chisel is (name, category, descriptions, arguments). */
    ChiselInfo info();

    /** The chisel's own filter, applied after the user's; a filter that keeps everything when it has none. */
    Filter filter();

    /** Before the first event (sysdig's on_init and on_capture_start): headers some chisels print first. */
    default void start(Consumer<String> out) {
        // most chisels print nothing before their events
    }

    /**
     * Every event read, before the user's filter and the chisel's (sysdig's do_timeout): chisels that print
     * every second of event time, or need the capture's first time stamp, watch the clock here.
     */
    default void seen(EventView e, Consumer<String> out) {
        // most chisels do not look at the clock
    }

    /**
     * A live capture found its ring empty: every event up to about {@code now} (ns since the epoch, the events'
     * clock) has been handed over. sysdig's live loop gives do_timeout the events its filter dropped, so a chisel's
     * clock runs while the events it keeps are idle; Boxscope's kernel drops them before user space, and this is
     * the clock it has instead.
     */
    default void idle(long now, Consumer<String> out) {
        // most chisels do not look at the clock
    }

    /**
     * Whether the chisel draws on the terminal itself (spectrogram, subsecoffset): what it hands the sink is
     * written as it is, control sequences and newlines included, with no newline added. Such a chisel writes
     * numbers and its own fixed text, nothing taken from an event, so there is nothing to escape.
     */
    default boolean draws() {
        return false;
    }

    /** Whether the chisel has what it wanted and reading should stop (sysdig.end_capture()). */
    default boolean done() {
        return false;
    }

    /** One event that passed both filters. */
    void event(EventView e, Consumer<String> out);

    /**
     * The end of the capture: prints the result.
     *
     * @param json       sysdig's {@code -j}: the result as sysdig's chisels print JSON
     * @param lastTs     the timestamp of the last event read (ns since the epoch), or 0 when there was none
     */
    void end(Consumer<String> out, boolean json, long lastTs);

    /**
     * The snap length (bytes of each I/O buffer captured) the chisel asks for on a live capture
     * ({@code sysdig.set_snaplen} in its Lua's on_init: 1000 to 2000 bytes for the chisels that print or parse
     * buffers), or 0 to leave the default; a {@code -s} the user gives wins.
     */
    default int snapLen() {
        return 0;
    }

    /**
     * On a live capture, how often the chisel prints its result and starts over (sysdig's
     * {@code chisel.set_interval_s} in {@code on_capture_start} when {@code sysdig.is_live()}), in
     * nanoseconds; 0 for chisels that print only at the end or as events come.
     */
    default long liveIntervalNs() {
        return 0;
    }

    /**
     * A live interval has ended ({@code on_interval}): prints the result so far and starts over.
     *
     * @param ts the time of the event that crossed into the next interval (or of the idle moment), ns since
     *           the epoch: what sinsp_chisel::do_timeout hands on_interval
     */
    default void interval(Consumer<String> out, boolean json, long ts) {
    }

    /**
     * After {@link #end}: the second reading of the file the chisel asks for (around's dump of the events near
     * each match), or empty. Called once, after {@link #end}.
     */
    default java.util.Optional<SecondPass> secondPass() {
        return java.util.Optional.empty();
    }
}
