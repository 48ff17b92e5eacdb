package io.boxscope.cli.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Opt;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.FilterException;

/**
 * {@code boxscope trace}: the sysdig-class front end. Capture files: {@code -r FILE} prints every
 * event in sysdig's default line format, byte for byte what {@code sysdig -r FILE} prints for the
 * event types Boxscope renders, and {@code -w} rewrites them ({@link TraceReadCli}); a filter after the
 * options keeps only the events it matches, as {@code sysdig -r FILE FILTER} does. The filter
 * language: {@code -l}/{@code -lv} list its fields as {@code sysdig -l} does, {@code --check-filter}
 * compiles a filter and shows the kernel/user-space split ({@link TraceFilterCli}). Without
 * {@code -r}, a live capture ({@link TraceLiveCli}).
 */
public final class TraceCommand extends CliCommand {
    final Opt<Path> read = option(Path.class, null, "-r", "--read").label("FILE")
            .help("Read events from a sysdig capture file (plain or gzipped) instead of the live system.");
    final Opt<Path> write = option(Path.class, null, "-w", "--write").label("FILE")
            .help("Write the events read to FILE in sysdig's capture format (mode 0600).");
    final Opt<Boolean> compress = flag("-z", "--compress")
            .help("With -w: gzip the file, as sysdig -z does.");
    final Opt<Long> count = option(Long.class, null, "-n", "--numevents").label("NUM")
            .help("Stop after NUM events (with a filter, NUM events it keeps, as sysdig -n counts).");
    final Opt<Long> seconds = option(Long.class, null, "-M").label("SECONDS")
            .help("Live capture: stop after SECONDS seconds (sysdig -M).");
    final Opt<Integer> snaplen = option(Integer.class, null, "-s", "--snaplen").label("BYTES")
            .help("Live capture: bytes of each I/O buffer to keep (default 80, as sysdig; at most 8192).");
    final Opt<Boolean> list = flag("-l", "--list")
            .help("List the fields filters can use, with a description (sysdig -l's layout).");
    final Opt<Boolean> verbose = flag("-v", "--verbose")
            .help("With -l: each field's type too (sysdig -lv). With -r: the events lost before they reached "
                    + "the file (per CPU), as recorded in it. Live: which part of the filter the kernel decides, "
                    + "then at exit the drops per CPU and the event counts.");
    final Opt<String> checkFilter = option(String.class, null, "--check-filter").label("FILTER").hidden()
            .help("Compile FILTER and print which part the kernel decides and which part user space does; "
                    + "a bad filter exits 2 with a caret under the problem.");
    final Opt<List<String>> filter = positionals(String.class).arity("0..*").label("FILTER")
            .help("A sysdig filter expression: only matching events are printed (or written with -w). "
                    + "Several words are joined with spaces, as sysdig joins them.");

    public TraceCommand() {
        super("trace", "sysdig-style system call tracing: capture every system call live (raw tracepoints",
                "sys_enter/sys_exit) and print it as sysdig does, or write a capture file sysdig reads (-w);",
                "read sysdig capture files (.scap, -r); a filter after the options keeps the matching events",
                "(its pid, container, syscall and failed-only parts are decided in the kernel); list the",
                "fields of sysdig's filter language and check filters. Also runs as 'boxscope sysdig'.");
        aliases("sysdig");
        examples("  boxscope trace proc.name=nginx          live: every system call of nginx",
                "  boxscope trace container.name=web and evt.failed=true   failed calls in container web",
                "  boxscope trace -w cap.scap -M 10        10 s of events, a file sysdig -r reads",
                "  boxscope trace -v -n 9 evt.type=openat  kernel/Java split, drops at exit",
                "  boxscope trace -r capture.scap          every event, as sysdig -r prints it",
                "  boxscope trace -r capture.scap -n 100   the first 100 events",
                "  boxscope trace -r capture.scap proc.name=cat and evt.failed=true",
                "  boxscope trace -r in.scap -w out.scap -z   rewrite it gzipped",
                "  boxscope --json trace -r capture.scap   one JSON object per event",
                "  boxscope trace -l                       fields filters can use (-lv: with types)",
                "  boxscope trace --check-filter 'proc.name=nginx and evt.type=connect'");
    }

    @Override
    public Integer call() throws IOException {
        GlobalOptions g = global();
        if (list.value()) {
            if (checkFilter.value() != null || read.value() != null) {
                throw new UsageException("-l lists fields: give it alone (not with --check-filter or -r)");
            }
            return TraceFilterCli.listFields(out(), verbose.value(), g.json());
        }
        if (checkFilter.value() != null) {
            return TraceFilterCli.checkFilter(out(), err(), checkFilter.value(), g.paths(), g.json());
        }
        Filter compiled = null;
        if (!filter.value().isEmpty()) {
            // sysdig joins the words after its options with spaces into one filter
            try {
                compiled = TraceFilterCli.compile(String.join(" ", filter.value()));
            } catch (FilterException e) {
                return TraceFilterCli.printFilterError(err(), e);
            }
        }
        if (read.value() == null) {
            try {
                return TraceLiveCli.capture(out(), err(), new TraceLiveCli.Request(write.value(), compress.value(),
                        count.value(), seconds.value(), snaplen.value(), verbose.value(), g.json(), compiled, g.paths()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return io.boxscope.cli.ExitCode.FAILURE;
            }
        }
        if (seconds.value() != null || snaplen.value() != null) {
            throw new UsageException("-M and -s apply to a live capture, not to -r FILE");
        }
        return TraceReadCli.read(out(), err(), new TraceReadCli.Request(read.value(), write.value(), compress.value(),
                count.value(), verbose.value(), g.json(), compiled));
    }
}
