package io.boxscope.cli.trace;

import io.boxscope.cli.ExitCode;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.json.Json;
import io.boxscope.trace.scap.EventFormatter;
import io.boxscope.trace.scap.Inspector;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.scap.ParamValue;
import io.boxscope.trace.scap.ScapFields;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapFormatException;
import io.boxscope.trace.scap.ScapReader;
import io.boxscope.trace.scap.ScapWriter;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import io.boxscope.trace.chisel.Chisel;
import io.boxscope.trace.scap.BufferFormat;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputFormat;
import io.boxscope.trace.output.TimeMode;
import io.boxscope.trace.output.Timeline;

/**
 * {@code boxscope trace -r FILE}: prints a capture file's events in sysdig's default line format, or
 * rewrites them ({@code -w}, {@code -z}). Kept apart from {@link TraceCommand}'s option parsing so the
 * capture side and the filter side each own their half of the command.
 */
final class TraceReadCli {
    private TraceReadCli() {}

    /**
     * What {@code -r} was asked to do.
     *
     * @param filter the compiled filter, or null for every event
     * @param count  -n: how many events to print (or write); with a filter, matching events, as sysdig counts
     *               (internal events such as the drop record count though not printed, state-only events and
     *               container descriptions do not)
     * @param fatfile sysdig's {@code -F} with {@code -w} (what around's second pass runs): an event the filter leaves
     *               out is still written, flagged SCAP_DF_STATE_ONLY, when its type has EF_MODIFIES_STATE, so a
     *               reader of the file keeps its thread and fd tables (libsinsp sinsp_evt::get_dump_flags)
     */
    record Request(Path read, Path write, boolean compress, Long count, boolean verbose, boolean json, Filter filter,
                   Display display, boolean fatfile) {
        Request(Path read, Path write, boolean compress, Long count, boolean verbose, boolean json, Filter filter,
                Display display) {
            this(read, write, compress, count, verbose, json, filter, display, false);
        }

        Request(Path read, Path write, boolean compress, Long count, boolean verbose, boolean json) {
            this(read, write, compress, count, verbose, json, null, Display.DEFAULT);
        }
    }

    /**
     * How events are shown.
     *
     * @param chisel     -c: the chisel the events go to instead of being printed, or null
     * @param format     -p (or the default line when -j or -t asks for the general path), or null for the default line
     * @param sysdigJson -j: sysdig's JSON objects
     * @param time       -t
     * @param buffers    -A, -x, -X
     * @param cutBuffers whether buffers print at most 80 characters (sysdig's default display)
     * @param resetColours whether {@code ESC[00m} is written at the end of the capture (sysdig.cpp's
     *               {@code reset_colors}: one of its two formats, events' and plugins', holds an escape; on a
     *               terminal the plugins' default is coloured, so always there unless {@code -p FORMAT} replaced both)
     */
    record Display(Chisel chisel, OutputFormat format, boolean sysdigJson, TimeMode time, BufferFormat buffers,
                   boolean cutBuffers, boolean resetColours) {
        static final Display DEFAULT = new Display(null, null, false, TimeMode.HUMAN, BufferFormat.DOTS, true, false);

        /** Whether printed lines carry newlines and tabs on purpose. */
        boolean keepLayout() {
            return buffers != BufferFormat.DOTS
                    || format != null && (format.text().contains("\\n") || format.text().contains("\\t"));
        }
    }

    static int read(Terminal t, Request q) throws IOException {
        PrintWriter out = t.out();
        PrintWriter err = t.err();
        if (q.count() != null && q.count() < 0) {
            throw new UsageException("-n takes a non-negative number of events");
        }
        if (q.compress() && q.write() == null) {
            throw new UsageException("-z needs -w FILE");
        }
        if (q.write() != null && !StdoutCapture.isStdout(q.write()) && sameFile(q.read(), q.write())) {
            // sysdig 0.29 takes -r X -w X (exit 0) and truncates the file it reads: what it had not read yet is lost
            throw new UsageException("-w " + Text.safe(q.write().toString()) + " is the file -r reads: write to another file");
        }
        ScapReader reader;
        try {
            reader = ScapReader.open(q.read());
        } catch (NoSuchFileException e) {
            // a thing named that is not there: exit 1, as for a missing process or container (docs/cli.md)
            err.println("boxscope: no such capture file: " + Text.safe(q.read().toString()));
            return ExitCode.FAILURE;
        } catch (ScapFormatException e) {
            err.println("boxscope: " + Text.safe(q.read().toString()) + ": " + Text.safe(e.getMessage()));
            return ExitCode.FAILURE;
        }
        String drops = null;
        try (reader; ScapWriter writer = q.write() == null ? null
                : StdoutCapture.isStdout(q.write()) ? ScapWriter.to(new StdoutCapture(t), reader.tables(), q.compress())
                : ScapWriter.create(q.write(), reader.tables(), q.compress())) {
            Inspector inspector = new Inspector(reader.tables());
            EventFormatter fmt = new EventFormatter(inspector, ZoneId.systemDefault());
            Display show = q.display();
            fmt.buffers(show.buffers(), show.cutBuffers());
            Timeline timeline = new Timeline(fmt, inspector, ZoneId.systemDefault(), show.time());
            boolean terminal = io.boxscope.cli.CliCommand.stdoutIsTty();
            TraceDisplay display = new TraceDisplay(t, show, q.json(), false, terminal);
            boolean views = display.views();
            long limit = q.count() == null ? Long.MAX_VALUE : q.count();
            long n = 0;
            long lastTs = 0;
            ScapFields reused = ScapFields.reusable(fmt, inspector); // the filter's view when no EventView made one
            // Without a chisel or a -p format nothing keeps an event past its iteration but the inspector, which
            // copies the enter an exit pairs with: the reader then refills one event from one block buffer
            // (ScapReader.nextView). A chisel's EventView and a format's keep events, so they get fresh ones.
            for (ScapEvent e; n < limit && (e = views ? reader.nextOrNull() : reader.nextView()) != null; ) {
                String d = dropRecord(e);
                if (d != null) {
                    drops = d;
                }
                fmt.apply(e); // the line is built only for events the filter keeps
                lastTs = e.ts(); // a chisel's end time is the last event read, kept or not (sysdig's on_capture_end)
                EventView view = views ? timeline.view(e) : null;
                ScapFields fields = view != null ? view.fields() : null;
                display.seen(view); // a chisel's own clock sees every event read
                boolean fat = q.fatfile() && writer != null && show.chisel() == null && e.type() >= 0 && e.type() < MODIFIES_STATE.length && MODIFIES_STATE[e.type()];
                if (e.stateOnly()) {
                    if (fat) {
                        writer.write(e); // libsinsp filters it out, and -F writes it again, still state-only
                    }
                    // SCAP_DF_STATE_ONLY: libsinsp's parser applies the event, then marks it filtered out
                    // (parsers.cpp process_event), so sinsp::next never returns it and sysdig's -n does not
                    // count it: sysdig -r f -n N prints N lines whatever number of these the file holds
                    continue;
                }
                if (inspector.initialStateEvent(e)) {
                    // a container description before any other event: libsinsp parses it and does not return it
                    // to sysdig's loop (not counted by -n, not filtered), and sysdig's dumper writes the containers
                    // it knows at the open into a -w file, so -w writes these whatever the filter. A later one is an
                    // event like any other (Inspector.initialStateEvent): filtered, so a -w FILTER leaves it out
                    // when it fails the filter, and -F writes it state-only (EF_MODIFIES_STATE), as sysdig 0.29's
                    // -r IN [-F] -w OUT FILTER does (TraceAppChiselTest compares the files with sysdig -r)
                    if (writer != null && show.chisel() == null) {
                        writer.write(e);
                    }
                    continue;
                }
                // sysdig evaluates the filter after parsing the event (state updated), and counts -n
                // in events that pass it; -w with a filter writes only the matching events
                if (q.filter() != null && !(fields != null ? fields : reused.at(e)).kept(q.filter())) {
                    if (fat) {
                        writer.write(new ScapEvent(e.ts(), e.tid(), e.cpu(), e.type(), e.params(), e.dumpFlags() | 1));
                    }
                    continue;
                }
                n++;
                // with -p the line is only a mark (not hidden): its evt.info would render every parameter, which
                // sysdig does not, and so change what a later length-0 path prints (EventFormatter's storage)
                String line = writer != null || show.chisel() != null ? null
                        : show.format() != null ? (fmt.hidden(e) ? null : "") : fmt.line(e);
                if (writer != null && show.chisel() == null) {
                    writer.write(e);
                } else {
                    display.event(e, view, line, fmt.num());
                    if (display.done()) {
                        break; // the chisel ended the capture (netstat, lsof, ps)
                    }
                    if ((n & 4095) == 0 && display.checkError()) {
                        break; // checkError writes what is held; a closed pipe (| head) ends the reading
                    }
                }
            }
            if (display.failure() != null) {
                // sysdig writes the chisel's error when it happens, then runs the capture end
                display.checkError();
                err.println(Text.safe(display.failure().getMessage()));
                err.flush();
            }
            display.end(lastTs);
            // a chisel's error ends the reading with exit 1, after what was counted (-v's drops, skipped events)
            if (q.verbose()) {
                err.println(drops == null ? "Drops: none recorded in the file" : "Drops: " + drops);
            }
            if (reader.skippedUnknown() > 0) {
                err.println("boxscope: skipped " + reader.skippedUnknown()
                        + " events of types newer than sysdig 0.29's event table");
            }
            if (reader.failure() != null) {
                err.println("boxscope: " + Text.safe(q.read().toString()) + ": " + reader.failure().getMessage());
                return ExitCode.FAILURE;
            }
            if (display.failure() != null) {
                return ExitCode.FAILURE;
            }
        } catch (StdoutCapture.Closed e) {
            return ExitCode.OK; // -w -: Main says a lost output (> /dev/full) and exits 1; a closed pipe is a normal end
        }
        return ExitCode.OK;
    }

    /**
     * A line whose newlines and tabs are layout (-A, -x, -X buffers; a -p format with \n or \t): every
     * piece between them escaped for the terminal, the newlines and tabs kept, as sysdig prints them.
     */
    static String safeKeepingLayout(String s) {
        if (!Text.needsEscape(s.replace('\n', ' ').replace('\t', ' '))) {
            return s; // as sysdig prints it: backslashes doubled only in a line that holds an escape
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\t') {
                b.append(Text.safe(s.substring(from, i))).append(c);
                from = i + 1;
            }
        }
        return b.append(Text.safe(s.substring(from))).toString();
    }

    /** An SGR colour code (ESC [ digits m), the only escape sequence chisels write (echo_fds). */
    private static final java.util.regex.Pattern SGR = java.util.regex.Pattern.compile("\u001b\\[[0-9;]{0,8}m");

    /**
     * A chisel's output: its newlines, tabs (fdcount_by) and colour codes (echo_fds) kept, everything
     * between them escaped for the terminal.
     */
    static String safeChiselLine(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        java.util.regex.Matcher m = SGR.matcher(s);
        int from = 0;
        while (m.find()) {
            b.append(safeKeepingLayout(s.substring(from, m.start()))).append(m.group());
            from = m.end();
        }
        return b.append(safeKeepingLayout(s.substring(from))).toString();
    }

    /** Whether {@code write} names the file {@code read} is (a link or another path to it included). */
    private static boolean sameFile(Path read, Path write) {
        try {
            return java.nio.file.Files.exists(write) && java.nio.file.Files.isSameFile(read, write);
        } catch (java.io.IOException e) {
            return false; // a file that cannot be compared (not there, unreadable): the open that follows says why
        }
    }

    /** EF_MODIFIES_STATE by event type (the events -F writes though the filter leaves them out). */
    private static final boolean[] MODIFIES_STATE = new boolean[1024];

    static {
        for (int t = 0; t < MODIFIES_STATE.length; t++) {
            MODIFIES_STATE[t] = io.boxscope.trace.scap.EventTable.get().info(t)
                    .map(i -> i.flags().contains("EF_MODIFIES_STATE")).orElse(false);
        }
    }

    /** The event number of PPME_INFRASTRUCTURE_EVENT_E, the drop record's (ScapWriter.writeDrops). */
    private static final int INFRA = io.boxscope.trace.scap.EventTable.get().byConstant("PPME_INFRASTRUCTURE_EVENT_E").id();

    /** Boxscope's drop record (an infra event, source boxscope, name drops), rendered, or null. */
    private static String dropRecord(ScapEvent e) {
        if (e.type() != INFRA) {
            return null; // every event of a file is asked: a number compare, not the table's name
        }
        io.boxscope.trace.scap.EventInfo info = e.info().orElse(null);
        if (info != null && info.name().equals("infra")
                && e.value("source").orElse(null) instanceof ParamValue.Text s && s.string().equals("boxscope")
                && e.value("name").orElse(null) instanceof ParamValue.Text n && n.string().equals("drops")
                && e.value("description").orElse(null) instanceof ParamValue.Text d) {
            return d.string();
        }
        return null;
    }

    static Map<String, Object> jsonOf(long num, ScapEvent e, String line) {
        Map<String, Object> o = Json.object();
        o.put("evt.num", num);
        o.put("evt.rawtime", e.ts());
        o.put("evt.cpu", e.cpu());
        o.put("thread.tid", e.tid());
        o.put("evt.dir", String.valueOf(e.info().orElseThrow().direction()));
        o.put("evt.type", EventFormatter.typeName(e));
        o.put("line", line);
        return o;
    }
}
