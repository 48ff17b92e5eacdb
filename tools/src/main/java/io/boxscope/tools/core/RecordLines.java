package io.boxscope.tools.core;

import io.boxscope.probe.runtime.PrintfRecord;

/**
 * A tool's text lines written as bytes straight from its script's printf records (the per-event tools' output
 * to a file or a pipe): what decoding each record into the tool's event and building its line as a String gives,
 * byte for byte, without the values, Strings and encoder (docs/benchmarks.md, "Branch toolbytes"). Made by the
 * tool ({@code Opensnoop.lines}, {@code Execsnoop.lines}), which keeps its state (filters, pending parts of an
 * event) in it; handed to {@link EventTool#run} through {@link EventTool.Listener#lines}.
 */
public interface RecordLines {
    /**
     * Writes the line(s) the record completes (none for a part of an event, or an event filtered out) and
     * returns true; false when this record is not one this writer knows, which then takes the values path
     * ({@link EventTool#decode}).
     */
    boolean write(int formatId, PrintfRecord record);
}
