package io.boxscope.cli.trace;

import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * sysdig's front end over capture files: {@code boxscope trace -r FILE} prints every event in sysdig's
 * default line format, byte for byte what {@code sysdig -r FILE} prints for the event types Boxscope
 * renders; {@code -w} rewrites the events it read into a new file (optionally gzipped with {@code -z}).
 * The work is in {@link TraceReadCli}. Live capture and filters come later (the filter language and the
 * eBPF capture are separate work).
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
        examples("  boxscope trace -r cap.scap                  every event, as sysdig -r does",
                "  boxscope trace -r cap.scap -n 100           the first 100 events",
                "  boxscope trace -r cap.scap -w copy.scap -z  rewrite it, gzipped",
                "  boxscope trace -r cap.scap -v               and the drops recorded in it",
                "  boxscope --json trace -r cap.scap           one JSON object per event");
    }

    @Override
    public Integer call() throws IOException {
        if (!filter.value().isEmpty()) {
            throw new UsageException("filters are not supported yet: " + Text.safe(String.join(" ", filter.value())));
        }
        if (read.value() == null) {
            throw new UsageException("live capture is not implemented yet: give a capture file with -r FILE");
        }
        return TraceReadCli.read(out(), err(), new TraceReadCli.Request(read.value(), write.value(), compress.value(),
                count.value(), verbose.value(), global().json()));
    }
}
