package io.boxscope.cli.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Opt;
import io.boxscope.cli.Text;
import io.boxscope.cli.NotFoundException;
import io.boxscope.cli.UsageException;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.trace.chisel.Chisel;
import io.boxscope.trace.chisel.ChiselInfo;
import io.boxscope.trace.chisel.ChiselContext;
import io.boxscope.trace.chisel.SecondPass;
import io.boxscope.trace.chisel.ChiselInitException;
import io.boxscope.trace.chisel.Chisels;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.scap.BufferFormat;
import io.boxscope.trace.output.EventListing;
import io.boxscope.trace.output.OutputFormat;
import io.boxscope.trace.output.TimeMode;
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
    /**
     * Where chisels write relative paths (udp_extract's udp_dump_files): the process's working directory, as the
     * Lua's io.open, unless a caller in this JVM (a test running the command in-process) binds another.
     */
    static final ScopedValue<java.nio.file.Path> WORK_DIR = ScopedValue.newInstance();
    final Opt<Path> read = option(Path.class, null, "-r", "--read").label("FILE")
            .help("Read events from a sysdig capture file (plain or gzipped) instead of the live system.");
    final Opt<Path> write = option(Path.class, null, "-w", "--write").label("FILE")
            .help("Write the events read to FILE in sysdig's capture format (mode 0600); - writes to standard output, as sysdig does.");
    final Opt<Boolean> compress = flag("-z", "--compress")
            .help("With -w: gzip the file, as sysdig -z does.");
    final Opt<Integer> rolloverMb = option(Integer.class, null, "-C", "--file-size").label("MB")
            .help("Live -w: start a new file when the current one holds more than MB megabytes (1,000,000 bytes), "
                    + "named FILE0, FILE1, ... as sysdig names them.");
    final Opt<Integer> rolloverSeconds = option(Integer.class, null, "-G", "--seconds").label("SECONDS")
            .help("Live -w: start a new file every SECONDS seconds (FILE0, FILE1, ...; a FILE with strftime "
                    + "conversions such as %%H%%M%%S is named from the file's start time).");
    final Opt<Integer> fileLimit = option(Integer.class, null, "-W", "--limit").label("COUNT")
            .help("With -C or -G: keep at most COUNT files, reusing the oldest name (sysdig -W).");
    final Opt<Long> count = option(Long.class, null, "-n", "--numevents").label("NUM")
            .help("Stop after NUM events (with a filter, NUM events it keeps, as sysdig -n counts).");
    final Opt<Long> seconds = option(Long.class, null, "-M").label("SECONDS")
            .help("Live capture: stop after SECONDS seconds (sysdig -M).");
    final Opt<Integer> snaplen = option(Integer.class, null, "-s", "--snaplen").label("BYTES")
            .help("Live capture: bytes of each I/O buffer to keep (default 80, as sysdig; at most 8192). Reading a "
                    + "file it changes nothing, as in sysdig: buffers hold what the capture stored.");
    final Opt<Boolean> list = flag("-l", "--list")
            .help("List the fields filters can use, with a description (sysdig -l's layout).");
    final Opt<Boolean> verbose = flag("-v", "--verbose")
            .help("With -l: each field's type too (sysdig -lv). With -r: the events lost before they reached "
                    + "the file (per CPU), as recorded in it. Live: which part of the filter the kernel decides, "
                    + "then at exit the drops per CPU and the event counts.");
    final Opt<String> chisel = option(String.class, null, "-c", "--chisel").label("CHISEL")
            .help("Run a chisel over the events (sysdig's names: topscalls, topfiles_bytes, topconns, ...); a chisel "
                    + "that takes arguments takes them from the first word after the options. -cl lists the chisels. Live, "
                    + "topscalls, topscalls_time and topprocs_errors count in the kernel when it decides the whole filter "
                    + "(pid, tid, syscalls, failed-only, running containers): nothing is streamed or dropped; -v says "
                    + "which way a chisel runs.");
    final Opt<String> chiselInfo = option(String.class, null, "-i", "--chisel-info").label("CHISEL")
            .help("Describe a chisel and its arguments.");
    final Opt<List<String>> print = options(String.class, "-p", "--print").label("FORMAT")
            .help("Print events with sysdig's format syntax: %%field, %%Nfield (N columns), a leading * prints <NA> "
                    + "for missing fields instead of skipping the event. -pc: the container format (and container "
                    + "columns in chisels); -pk: the Kubernetes format (the pod's name, <NA> in capture files); -pm: the "
                    + "Mesos format (the task's name, <NA> in capture files); -pp prints the format the options before it set "
                    + "(the default one if none) and exits. Given again, the last -p wins, as in sysdig.");
    final Opt<Boolean> sysdigJson = flag("-j")
            .help("Print each event as a JSON object keyed by sysdig's field names (sysdig -j), one per line; "
                    + "chisels print their JSON.");
    final Opt<String> timeType = option(String.class, null, "-t", "--timetype").label("h|a|r|d|D")
            .help("How evt.outputtime prints: h local time (default), a seconds since the epoch, r since the first "
                    + "event, d an exit's latency, D since the previous event.");
    final Opt<Boolean> ascii = flag("-A", "--print-ascii")
            .help("Print buffers as their ASCII text only (other bytes left out, line ends kept), in full.");
    final Opt<Boolean> hex = flag("-x", "--print-hex")
            .help("Print buffers in hex, 16 bytes a row, in full.");
    final Opt<Boolean> hexAscii = flag("-X", "--print-hex-ascii")
            .help("Print buffers in hex and ASCII, 16 bytes a row, in full.");
    final Opt<Boolean> listEvents = flag("-L", "--list-events")
            .help("List the events sysdig's format can hold, with their parameters' types and names.");
    final Opt<String> k8sApi = option(String.class, null, "-k", "--k8s-api").label("URL")
            .help("Accepted for sysdig's command lines and ignored: boxscope reads no Kubernetes metadata (the k8s.* "
                    + "fields are not supported, -pk's pod column is <NA>), as sysdig 0.29 -r prints without a reachable "
                    + "API server. One line on standard error says so.");
    final Opt<String> k8sApiCert = option(String.class, null, "-K", "--k8s-api-cert").label("FILES")
            .help("sysdig's Kubernetes API credentials (bearer token file, or cert:key[:ca]): accepted and ignored, as -k.");
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
                "  boxscope trace -c topscalls proc.name=nginx   live: its system calls each second",
                "  boxscope trace -w cap.scap -C 100 -W 5  at most 5 files of 100 MB: cap.scap0 ... cap.scap4",
                "  boxscope trace -j -M 5 evt.type=connect sysdig's JSON lines, live",
                "  boxscope trace -r capture.scap          every event, as sysdig -r prints it",
                "  boxscope trace -r capture.scap -n 100   the first 100 events",
                "  boxscope trace -r capture.scap proc.name=cat and evt.failed=true",
                "  boxscope trace -r in.scap -w out.scap -z   rewrite it gzipped",
                "  boxscope --json trace -r capture.scap   one JSON object per event",
                "  boxscope trace -r capture.scap -c topscalls   the system calls made most often",
                "  boxscope trace -r capture.scap -c fdbytes_by proc.name evt.type=write",
                "  boxscope trace -cl                      the chisels (-i NAME: one of them)",
                "  boxscope trace -r capture.scap -p '%%evt.num %%proc.name %%fd.name' evt.type=openat",
                "  boxscope trace -r capture.scap -j -t a  sysdig's JSON lines, epoch times",
                "  boxscope trace -l                       fields filters can use (-lv: with types)",
                "  boxscope trace --check-filter 'proc.name=nginx and evt.type=connect'");
    }

    /**
     * A chisel's argument refused (a word after the options read as an option, an unclosed quote, missing or too many
     * arguments, a bad field): "boxscope: MESSAGE" and exit 1, as sysdig 0.29 exits for each of these ("sysdig: invalid
     * option -- '5'", "corrupted parameters for chisel X", "missing arguments for chisel X", "too many parameters for
     * chisel X, ..." all end with status 1: sysdig's main returns EXIT_FAILURE for every sinsp_exception and getopt
     * error). Boxscope's own usage errors of trace stay exit 2 (docs/cli.md "Exit codes").
     */
    private int chiselArgumentError(String message) {
        err().println("boxscope: " + Text.safe(message == null ? "" : message));
        err().flush();
        return io.boxscope.cli.ExitCode.FAILURE;
    }

    private static boolean compiles(String filter) throws IOException {
        try {
            TraceFilterCli.compile(filter);
            return true;
        } catch (FilterException e) {
            return false;
        }
    }

    @Override
    public Integer call() throws IOException {
        GlobalOptions g = global();
        if (listEvents.value()) {
            EventListing.lines().forEach(out()::println);
            out().flush();
            return 0;
        }
        if ("l".equals(chisel.value())) {
            return TraceChiselCli.list(out());
        }
        if (chiselInfo.value() != null) {
            return TraceChiselCli.describe(out(), chiselInfo.value());
        }
        if (list.value()) {
            // -r is ignored, as sysdig 0.29 lists its fields and exits before it opens the file
            if (checkFilter.value() != null) {
                throw new UsageException("-l lists fields: give it alone (not with --check-filter)");
            }
            return show(new TraceFilterCli.FieldList(verbose.value()), TraceFilterCli.FIELDS);
        }
        if (checkFilter.value() != null) {
            TraceFilterCli.FilterCheck check;
            try {
                check = TraceFilterCli.checkFilter(checkFilter.value(), g.paths());
            } catch (FilterException e) {
                return TraceFilterCli.printFilterError(err(), e);
            }
            return show(check, TraceFilterCli.CHECK);
        }
        if (k8sApi.value() != null || k8sApiCert.value() != null) {
            // sysdig 0.29 asks the API server for pods, not the capture file, and prints the events the same
            // without one (sysdig -r FILE -k http://127.0.0.1:1: no message, exit 0); boxscope has no k8s client
            err().println("boxscope: " + (k8sApi.value() != null ? "-k" : "-K")
                    + " ignored: no Kubernetes metadata is read (no API client; k8s.* fields are not supported)");
        }
        if (print.value().contains("p")) {
            // sysdig.cpp (0.29.3): getopt meets -pp after the -p options before it, which set output_format: -pp prints
            // it as it stands (as typed, before escape_output_format: the default coloured one's \e stay two
            // characters) and exits 0 before anything else is done. The later -p options are not read.
            String before = null;
            for (String p : print.value()) {
                if (p.equals("p")) {
                    break;
                }
                before = p;
            }
            out().println(before == null ? (stdoutIsTty() ? OutputFormat.DEFAULT_TTY : OutputFormat.DEFAULT) : namedFormat(before));
            out().flush();
            return io.boxscope.cli.ExitCode.OK;
        }
        // sysdig: each -p replaces output_format, so the last one is in effect
        String printed = print.value().isEmpty() ? null : print.value().getLast();
        List<String> words = filter.value();
        boolean container = "c".equals(printed) || "container".equals(printed);
        int buffers = (ascii.value() ? 1 : 0) + (hex.value() ? 1 : 0) + (hexAscii.value() ? 1 : 0);
        if (buffers > 1) {
            throw new UsageException("give one of -A, -x and -X");
        }
        BufferFormat bf = ascii.value() ? BufferFormat.ASCII : hex.value() ? BufferFormat.HEX
                : hexAscii.value() ? BufferFormat.HEX_ASCII : BufferFormat.DOTS;
        Chisel ch = null;
        if (chisel.value() != null) {
            if (write.value() != null) {
                throw new UsageException("-c runs a chisel over the events: it cannot be combined with -w");
            }
            // sysdig: a chisel with required arguments takes the first word after the options (split at spaces)
            // an unknown chisel is a named thing that is not there: exit 1, as sysdig 0.29 exits (docs/cli.md)
            ChiselInfo info = Chisels.info(chisel.value()).orElseThrow(() -> new NotFoundException(
                    "chisel " + chisel.value() + " not found - use -cl to list them."));
            List<String> args = List.of();
            boolean filterArg = !info.args().isEmpty() && info.args().get(0).type().equals("filter");
            try {
                if ((info.required() > 0 || filterArg) && !words.isEmpty()) {
                    // required arguments, or a chisel whose argument is a filter (netstat, lsof, ps): sysdig
                    // takes the first word, split as its set_args splits it (' 5' is one argument, 5)
                    args = Chisels.splitArgs(chisel.value(), words.get(0));
                    words = words.subList(1, words.size());
                } else if (!info.args().isEmpty() && !words.isEmpty() && !words.get(0).startsWith("-")
                        && !compiles(String.join(" ", words))) {
                    // optional arguments: the first word is the chisel's when the words are not a filter
                    args = Chisels.splitArgs(chisel.value(), words.get(0));
                    words = words.subList(1, words.size());
                } else if (!info.args().isEmpty() && !words.isEmpty() && words.get(0).matches("-.+")
                        && !compiles(String.join(" ", words))) {
                    // sysdig's getopt reads "-5" as option 5 ("invalid option -- '5'"), not as the chisel's argument
                    // nor as a filter: say so, and how to give such an argument
                    return chiselArgumentError("invalid option " + words.get(0) + ": a word after the options that starts"
                            + " with '-' is read as an option, as sysdig reads it; to give chisel " + chisel.value()
                            + " the argument " + words.get(0) + ", start it with a space: ' " + words.get(0) + "'");
                }
            } catch (IllegalArgumentException e) {
                return chiselArgumentError(e.getMessage());
            }
            boolean tty = stdoutIsTty(); // sysdig.is_tty(): isatty(1), whatever standard input is
            Sys.WindowSize size = terminalSize(tty);
            try {
                ch = Chisels.create(chisel.value(), args,
                        new ChiselContext(container, bf, read.value() == null, tty, WORK_DIR.orElse(java.nio.file.Path.of("")),
                                String.join(" ", words), read.value(), size.columns(), size.rows()));
            } catch (ChiselInitException e) {
                // sysdig: the Lua's print goes to standard output, then "init() for chisel X failed." and
                // status 1; a Lua that called os.exit() ends with status 0 and no failure line
                out().println(Text.safe(e.printed()));
                out().flush();
                if (e.exited()) {
                    return io.boxscope.cli.ExitCode.OK;
                }
                err().println(Text.safe(e.getMessage()));
                return io.boxscope.cli.ExitCode.FAILURE;
            } catch (IllegalArgumentException e) {
                return chiselArgumentError(e.getMessage()); // missing or too many arguments, a bad field
            }
        }
        Filter compiled = null;
        if (!words.isEmpty()) {
            // sysdig joins the words after its options with spaces into one filter
            try {
                compiled = TraceFilterCli.compile(String.join(" ", words));
            } catch (FilterException e) {
                int code = TraceFilterCli.printFilterError(err(), e);
                // sysdig.cpp: the compile's exception reaches handle_end_of_file, which writes \e[00m to standard output
                // when reset_colors is set (below: a terminal, or a -p format with \e)
                if (printed != null && !container && !"k".equals(printed) && !"kubernetes".equals(printed) && !"m".equals(printed)
                        && !"mesos".equals(printed) ? OutputFormat.hasEscape(printed) : stdoutIsTty() && !g.json()) {
                    out().print("\u001b[00m");
                    out().flush();
                }
                return code;
            }
        }
        TimeMode mode = TimeMode.HUMAN;
        if (timeType.value() != null) {
            mode = TimeMode.of(timeType.value());
            if (mode == null) {
                throw new UsageException("invalid modifier for flag -t: " + Text.safe(timeType.value()) + " (h, a, r, d or D)");
            }
        }
        OutputFormat format = null;
        // sysdig.cpp: on a terminal (isatty(1)) the default line is coloured, and -j of it has proc.pid too; -pc, -pk
        // and -p FORMAT are not (no colour is added to them); Boxscope's own --json never
        boolean coloured = printed == null && stdoutIsTty() && !g.json();
        boolean kubernetes = "k".equals(printed) || "kubernetes".equals(printed);
        boolean mesos = "m".equals(printed) || "mesos".equals(printed);
        boolean userFormat = printed != null && !container && !kubernetes && !mesos;
        if (printed != null || sysdigJson.value() || mode != TimeMode.HUMAN || coloured) {
            String f = printed == null ? (coloured ? OutputFormat.DEFAULT_TTY : OutputFormat.DEFAULT)
                    : namedFormat(printed);
            try {
                format = OutputFormat.parse(f);
            } catch (FilterException e) {
                throw new UsageException(Text.safe(e.problem()));
            }
        }
        // sysdig resets the colours at the end when its events' or its plugins' format holds an escape: -p FORMAT
        // replaces both (reset only if FORMAT has \e, terminal or not); otherwise the plugins' format is coloured
        // on a terminal (so -pc and -pk reset there too)
        boolean reset = userFormat ? format.colours() : stdoutIsTty() && !g.json();
        if (snaplen.value() != null && snaplen.value() < 0) {
            throw new UsageException("-s takes a non-negative number of bytes");
        }
        // sysdig cuts buffers at 80 characters only in its default display, and not with -v or a chisel
        boolean cut = bf == BufferFormat.DOTS && !verbose.value() && ch == null && !sysdigJson.value();
        if (read.value() == null) {
            TraceLiveCli.Rotation rotation = TraceLiveCli.Rotation.of(rolloverMb.value(), rolloverSeconds.value(),
                    fileLimit.value());
            try {
                return TraceLiveCli.capture(terminal(), new TraceLiveCli.Request(write.value(), compress.value(),
                        count.value(), seconds.value(), snaplen.value(), verbose.value(), g.json(), compiled, g.paths(),
                        new TraceReadCli.Display(ch, format, sysdigJson.value(), mode, bf, cut, reset), rotation));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return io.boxscope.cli.ExitCode.FAILURE;
            }
        }
        if (seconds.value() != null) {
            throw new UsageException("-M applies to a live capture, not to -r FILE");
        }
        if (rolloverMb.value() != null || rolloverSeconds.value() != null || fileLimit.value() != null) {
            throw new UsageException("-C, -G and -W rotate the files of a live capture (-w without -r)");
        }
        int code = TraceReadCli.read(terminal(), new TraceReadCli.Request(read.value(), write.value(), compress.value(),
                count.value(), verbose.value(), g.json(), compiled,
                new TraceReadCli.Display(ch, format, sysdigJson.value(), mode, bf, cut, reset)));
        if (code != io.boxscope.cli.ExitCode.OK || ch == null || ch.secondPass().isEmpty()) {
            return code;
        }
        // around: sysdig's Lua runs sysdig again on the file (run_app), as -r SOURCE -w FILE FILTER
        SecondPass pass = ch.secondPass().orElseThrow();
        Filter second = null;
        if (!pass.filter().isEmpty()) {
            try {
                second = TraceFilterCli.compile(pass.filter());
            } catch (FilterException e) {
                // the filter the chisel made of its argument (around's file name and window): a chisel's argument
                // error, exit 1 as sysdig's run_app fails (chiselArgumentError), not a usage error of trace's own
                TraceFilterCli.printFilterError(err(), e);
                return io.boxscope.cli.ExitCode.FAILURE;
            }
        }
        return TraceReadCli.read(terminal(), new TraceReadCli.Request(pass.source(), pass.write(), false, null, false,
                g.json(), second, TraceReadCli.Display.DEFAULT, true));
    }

    /** The format -p VALUE sets: sysdig's -pc, -pk and -pm lines by their names, else VALUE itself. */
    private static String namedFormat(String value) {
        return switch (value) {
            case "c", "container" -> OutputFormat.CONTAINER;
            case "k", "kubernetes" -> OutputFormat.KUBERNETES;
            case "m", "mesos" -> OutputFormat.MESOS;
            default -> value;
        };
    }

    /**
     * sysdig.get_terminal_info(): ioctl TIOCGWINSZ on standard output (chisel_api.cpp), -1 by -1 when it fails. Not
     * asked when standard output is not a terminal (the ioctl fails there: ENOTTY), nor where Boxscope cannot make
     * system calls (an architecture {@code Arch} does not know), which reads a file as well as anywhere.
     */
    private static Sys.WindowSize terminalSize(boolean tty) {
        Sys.WindowSize none = new Sys.WindowSize(-1, -1);
        if (!tty) {
            return none;
        }
        try {
            return Sys.windowSize(1).orElse(none);
        } catch (UnsupportedOperationException e) {
            return none; // what the failed ioctl gives sysdig
        }
    }
}
