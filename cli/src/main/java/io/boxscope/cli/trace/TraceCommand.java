package io.boxscope.cli.trace;

import io.boxscope.cli.CliCommand;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.Opt;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.json.Json;
import io.boxscope.trace.scap.EventFormatter;
import io.boxscope.trace.scap.Inspector;
import io.boxscope.trace.scap.ParamValue;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapFormatException;
import io.boxscope.trace.scap.ScapReader;
import io.boxscope.trace.scap.ScapWriter;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * sysdig's front end over capture files: {@code boxscope trace -r FILE} prints every event in sysdig's
 * default line format, byte for byte what {@code sysdig -r FILE} prints for the event types Boxscope
 * renders; {@code -w} rewrites the events it read into a new file (optionally gzipped with {@code -z}).
 * Live capture and filters come later (the filter language and the eBPF capture are separate work).
 */
public final class TraceCommand extends CliCommand {
    final Opt<Path> read = option(Path.class, null, "-r", "--read").label("FILE")
            .help("Read events from a sysdig capture file (plain or gzipped) instead of the live system.");
    final Opt<Path> write = option(Path.class, null, "-w", "--write").label("FILE")
            .help("Write the events read to FILE in sysdig's capture format (mode 0600).");
    final Opt<Boolean> compress = flag("-z", "--compress")
            .help("With -w: gzip the file, as sysdig -z does.");
    final Opt<Long> count = option(Long.class, null, "-n", "--numevents").label("NUM")
            .help("Stop after NUM events.");
    final Opt<Boolean> verbose = flag("-v", "--verbose")
            .help("At the end, print the events lost before they reached the file (per CPU), as recorded in it.");
    final Opt<List<String>> filter = positionals(String.class).arity("0..*").label("FILTER")
            .help("A sysdig filter expression (not supported yet).");

    public TraceCommand() {
        super("trace", "Read sysdig capture files (.scap): print their events as sysdig prints them, or rewrite them.");
        examples("  boxscope trace -r capture.scap             every event, in sysdig's default format",
                "  boxscope trace -r capture.scap -n 100      the first 100 events",
                "  boxscope trace -r capture.scap -w copy.scap -z   rewrite it gzipped",
                "  boxscope --json trace -r capture.scap      one JSON object per event");
    }

    @Override
    public Integer call() throws IOException {
        if (!filter.value().isEmpty()) {
            throw new UsageException("filters are not supported yet: " + Text.safe(String.join(" ", filter.value())));
        }
        if (read.value() == null) {
            throw new UsageException("live capture is not implemented yet: give a capture file with -r FILE");
        }
        if (count.value() != null && count.value() < 0) {
            throw new UsageException("-n takes a non-negative number of events");
        }
        if (compress.value() && write.value() == null) {
            throw new UsageException("-z needs -w FILE");
        }
        ScapReader reader;
        try {
            reader = ScapReader.open(read.value());
        } catch (NoSuchFileException e) {
            throw new UsageException("no such capture file: " + Text.safe(read.value().toString()));
        } catch (ScapFormatException e) {
            err().println("boxscope trace: " + Text.safe(read.value().toString()) + ": " + e.getMessage());
            return ExitCode.FAILURE;
        }
        PrintWriter out = out();
        boolean json = global().json();
        String drops = null;
        try (reader; ScapWriter writer = write.value() == null ? null
                : ScapWriter.create(write.value(), reader.tables(), compress.value())) {
            EventFormatter fmt = new EventFormatter(new Inspector(reader.tables()), ZoneId.systemDefault());
            long limit = count.value() == null ? Long.MAX_VALUE : count.value();
            long n = 0;
            for (ScapEvent e; n < limit && (e = reader.nextOrNull()) != null; n++) {
                String d = dropRecord(e);
                if (d != null) {
                    drops = d;
                }
                if (writer != null) {
                    writer.write(e);
                    fmt.next(e);
                    continue;
                }
                String line = fmt.next(e);
                if (line == null) {
                    continue;
                }
                if (json) {
                    out.println(Json.write(jsonOf(n + 1, e, line)));
                } else {
                    out.println(Text.safe(line));
                }
            }
            out.flush();
            if (verbose.value()) {
                err().println(drops == null ? "Drops: none recorded in the file" : "Drops: " + drops);
            }
            if (reader.skippedUnknown() > 0) {
                err().println("boxscope trace: skipped " + reader.skippedUnknown()
                        + " events of types newer than sysdig 0.29's event table");
            }
            if (reader.failure() != null) {
                err().println("boxscope trace: " + Text.safe(read.value().toString()) + ": " + reader.failure().getMessage());
                return ExitCode.FAILURE;
            }
        }
        return ExitCode.OK;
    }

    /** Boxscope's drop record (an infra event, source boxscope, name drops), rendered, or null. */
    private static String dropRecord(ScapEvent e) {
        if (e.info().map(i -> i.name().equals("infra")).orElse(false)
                && e.value("source").orElse(null) instanceof ParamValue.Text s && s.string().equals("boxscope")
                && e.value("name").orElse(null) instanceof ParamValue.Text n && n.string().equals("drops")
                && e.value("description").orElse(null) instanceof ParamValue.Text d) {
            return d.string();
        }
        return null;
    }

    private static Map<String, Object> jsonOf(long num, ScapEvent e, String line) {
        Map<String, Object> o = Json.object();
        o.put("evt.num", num);
        o.put("evt.rawtime", e.ts());
        o.put("evt.cpu", e.cpu());
        o.put("thread.tid", e.tid());
        o.put("evt.dir", String.valueOf(e.info().orElseThrow().direction()));
        o.put("evt.type", e.info().orElseThrow().name());
        o.put("line", line);
        return o;
    }
}
