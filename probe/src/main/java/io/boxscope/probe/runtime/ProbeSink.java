package io.boxscope.probe.runtime;

import java.util.Objects;
import java.util.function.Consumer;
import io.boxscope.probe.output.Event;
import io.boxscope.probe.output.Output;

/**
 * Where a {@link ProbeSession} delivers what a program produces, as typed records rather than text:
 * a library (the BCC-class tools) runs a probe-language program and receives each {@code printf} as
 * its format number and decoded {@link io.boxscope.probe.output.Value}s, each {@code print} and map
 * snapshot as {@link io.boxscope.probe.output.MapDump}s, and lost-record counts. bpftrace's text and
 * JSON output is one implementation ({@link #rendering}), which {@code boxscope probe} uses.
 *
 * <p>Two methods, so that it is not a lambda target: {@code session.poll(t, sb::append)} keeps
 * meaning the rendering overload.
 */
public interface ProbeSink {

    /**
     * One {@code printf}. {@code formatId} numbers the program's distinct printf calls in the order
     * code generation met them (source order: the first printf of the program is 0; two printfs with
     * the same format and argument types share a number); {@link ProbeSession#printfFormats()} lists
     * them.
     */
    void printf(int formatId, Event.Printf printf);

    /**
     * Every other event: {@link Event.Print}, {@link Event.PrintMap}, {@link Event.Time},
     * {@link Event.Message} ({@code cat()}), {@link Event.Lost} (records the ring buffer dropped since
     * the last one reported), {@link Event.Skipped} (program runs the kernel skipped since the last one reported) and, last, {@link Event.Exit} with every map. {@link Event.Attached} is
     * not delivered: {@link ProbeSession#attach} returns it.
     */
    void event(Event event);

    /**
     * Every record read so far has been handed to {@link #printf} or {@link #event}: the ring buffer was
     * drained (or a poll reached its maximum of records, and the next poll goes on). A sink that writes text flushes here rather than after every
     * record: C's stdio does the same for a file or a pipe (block-buffered: one write(2) per buffer,
     * not per line; setvbuf(3)), which is how libbpf-tools' printf reaches a file, and the reader
     * still sees each batch as soon as it has been read. Called at most once a {@link ProbeSession#poll},
     * after its records, and at the end of {@link ProbeSession#begin} and {@link ProbeSession#finish}.
     * Does nothing by default.
     */
    default void drained() {
    }

    /**
     * Where a sink that writes bpftrace's <em>text</em> output ({@link Output#text}) collects it as bytes, or null
     * (the default: every printf reaches {@link #printf} as values). With a buffer, the session writes each
     * printf whose arguments are integers and strings straight from its record into it
     * ({@link io.boxscope.probe.output.PrintfBytes}: the same bytes, without decoding the record into values)
     * and calls {@link #printf} only for the others; the sink writes everything else it renders into the same
     * buffer, to keep the order, and hands the buffer on in {@link #drained}. Asked once a record.
     */
    default io.boxscope.probe.output.TextBuffer text() {
        return null;
    }

    /**
     * One {@code printf} read in place, before it is decoded into values: a sink that renders it straight from
     * the record (the per-event tools' lines to a file or a pipe) does so and returns true, and {@link #printf}
     * is not called for it; false (the default) decodes it as before. {@code record} is reused: valid only
     * during this call. Not asked for a printf that {@link #text} formats itself.
     */
    default boolean record(int formatId, PrintfRecord record) {
        return false;
    }

    /** bpftrace's output: each event rendered by {@code output} and handed to {@code out} as text. */
    static ProbeSink rendering(Output output, Consumer<String> out) {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(out, "out");
        return new ProbeSink() {
            @Override
            public void printf(int formatId, Event.Printf printf) {
                out.accept(output.render(printf));
            }

            @Override
            public void event(Event event) {
                out.accept(output.render(event));
            }
        };
    }
}
