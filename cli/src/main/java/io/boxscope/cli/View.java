package io.boxscope.cli;

/**
 * How a command shows its result: one text view and one JSON view of the same result record
 * (bpftrace's {@code Output} interface with its text and JSON implementations is the same idea).
 * A command's library module computes the record (aggregation, grouping, sorting and all); the
 * command parses options, gets the record and hands it to {@link CliCommand#show} (one document) or
 * {@link CliCommand#emit} (one record of a stream), which pick the view --json asks for.
 *
 * <p>The JSON view returns plain values for {@link io.boxscope.proc.json.Json}: maps from
 * {@link io.boxscope.proc.json.Json#object()}, lists, strings, numbers, booleans, null. Keys are
 * snake_case with unit suffixes, as docs/json.md says; {@code JsonKeysTest} checks every command.
 * Notices that text prints on standard error belong in the JSON document itself.
 *
 * @param <R> the result record
 */
public interface View<R> {
    /** Writes the text form: the table or lines on {@link Terminal#out}, notices on {@link Terminal#err}. */
    void text(R result, Terminal terminal);

    /** The JSON form, as a value {@link io.boxscope.proc.json.Json} writes. */
    Object json(R result);
}
