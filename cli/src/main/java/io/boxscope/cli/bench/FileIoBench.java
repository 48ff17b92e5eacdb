package io.boxscope.cli.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.bench.fileio.FileIoOptions;
import io.boxscope.bench.fileio.FileIoOptions.ExtraFlag;
import io.boxscope.bench.fileio.FileIoOptions.Mode;
import io.boxscope.bench.fileio.FileIoWorkload;
import io.boxscope.bench.fileio.FileSet;
import io.boxscope.bench.report.SysbenchText;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.UsageException;
import io.boxscope.cli.View;
import io.boxscope.proc.json.Json;

final class FileIoBench extends CliCommand {
    final CommonOptions common = new CommonOptions(this);

    final Opt<String> command = positional(String.class, null).index("0").label("prepare|run|cleanup")
            .help("The step to do.");

    final Opt<Path> dir = option(Path.class, Path.of("."), "--file-dir").label("DIR")
            .help("Directory of the test files (default: the current directory).");

    final Opt<Integer> fileNum = option(int.class, 128, "--file-num").label("N")
            .help("Number of files to create (default: ${DEFAULT-VALUE}).");

    final Opt<Long> blockSize = option(long.class, 16384L, "--file-block-size").label("SIZE").converter(new Converters.Size())
            .help("Block size to use in all I/O operations (default: 16384).");

    final Opt<Long> totalSize = option(long.class, 2L << 30, "--file-total-size").label("SIZE").converter(new Converters.Size())
            .help("Total size of files to create (default: 2G).");

    final Opt<String> mode = option(String.class, null, "--file-test-mode").label("MODE")
            .help("seqwr, seqrewr, seqrd, rndrd, rndwr or rndrw (required for run).");

    final Opt<String> ioMode = option(String.class, "sync", "--file-io-mode").label("sync|async|mmap")
            .help("sync: pread/pwrite; async: up to --file-async-backlog requests per thread in flight on I/O threads; "
                    + "mmap: copies to and from the files mapped whole (default: sync).");

    final Opt<Integer> asyncBacklog = option(int.class, 128, "--file-async-backlog").label("N")
            .help("Requests each thread keeps in flight with --file-io-mode=async (default: ${DEFAULT-VALUE}).");

    final Opt<List<String>> extraFlags = options(String.class, "--file-extra-flags").label("LIST").split(",")
            .help("Additional flags to open files with: sync, dsync, direct (default: none).");

    final Opt<Integer> fsyncFreq = option(int.class, 100, "--file-fsync-freq").label("N")
            .help("fsync() after this number of requests; 0 - never (default: ${DEFAULT-VALUE}).");

    final Opt<Boolean> fsyncAll = flag("--file-fsync-all").arity("0..1").label("on|off").fallback("on").converter(new Converters.OnOff())
            .help("fsync() after each write operation (default: off).");

    final Opt<Boolean> fsyncEnd = option(boolean.class, true, "--file-fsync-end").arity("0..1").label("on|off").fallback("on").converter(new Converters.OnOff())
            .help("fsync() at the end of the test (default: on).");

    final Opt<String> fsyncMode = option(String.class, "fsync", "--file-fsync-mode").label("fsync|fdatasync")
            .help("Which call synchronizes (default: fsync).");

    final Opt<Integer> merged = option(int.class, 0, "--file-merged-requests").label("N")
            .help("Merge at most this number of sequential requests; 0 - don't (default: ${DEFAULT-VALUE}).");

    final Opt<Boolean> validate = flag("--validate").arity("0..1").label("on|off").fallback("on").converter(new Converters.OnOff())
            .help("Blocks carry a CRC-32 and their offset, as sysbench's --validate writes them; every read checks them "
                    + "and a mismatch ends the run (use it on prepare and run; default: off).");

    final Opt<Double> rwRatio = option(double.class, 1.5, "--file-rw-ratio").label("N")
            .help("Reads/writes ratio for rndrw (default: ${DEFAULT-VALUE}).");

    FileIoBench() {
        super("fileio", "sysbench's fileio test: 'prepare' creates test_file.0..N-1 in --file-dir, 'run' does the",
                "--file-test-mode requests on them, 'cleanup' removes them. Nothing else is ever written.");
        globals("--json", "--proc-root", "--sys-root", "--container");
        examples("  boxscope bench fileio prepare --file-total-size=256M --file-num=4 --file-dir=/tmp/t",
                "  boxscope bench fileio run --file-total-size=256M --file-num=4 --file-dir=/tmp/t --file-test-mode=rndrw",
                "  boxscope bench fileio run ... --file-test-mode=rndrd --file-extra-flags=direct   bypass the page cache",
                "  boxscope bench fileio cleanup --file-total-size=256M --file-num=4 --file-dir=/tmp/t");
    }
    FileIoOptions options(Mode m) {
        FileIoOptions.IoMode io = Enums.parse(FileIoOptions.IoMode.class, "--file-io-mode", ioMode.value());
        EnumSet<ExtraFlag> flags = EnumSet.noneOf(ExtraFlag.class);
        for (String f : extraFlags.value()) {
            if (!f.isBlank()) {
                flags.add(Enums.parse(ExtraFlag.class, "--file-extra-flags", f.strip()));
            }
        }
        boolean fdatasync = switch (fsyncMode.value()) {
            case "fsync" -> false;
            case "fdatasync" -> true;
            default -> throw new UsageException("invalid --file-fsync-mode '" + fsyncMode.value()
                    + "' (choose fsync or fdatasync)");
        };
        try {
            return new FileIoOptions(dir.value(), fileNum.value(), totalSize.value(), blockSize.value(), m, flags, fsyncFreq.value(), fsyncAll.value(), fsyncEnd.value(), fdatasync,
                    rwRatio.value(), merged.value(), io, asyncBacklog.value(), validate.value());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        if (command.value() == null) {
            // sysbench 1.0.20 (src/sysbench.c): this message on stderr and exit status 1
            err().println("boxscope: The 'fileio' test requires a command argument. See 'boxscope bench fileio --help'");
            return ExitCode.FAILURE;
        }
        if (!command.value().equals("run")) {
            // prepare and cleanup inside the container's cgroups too (its I/O limits apply to them)
            var g = global();
            if (g.container() != null) {
                return ContainerRun.delegate(spec(), g);
            }
            if (common.joinCgroupsOf.value() != null) {
                ContainerRun.join(common.joinCgroupsOf.value(), g.paths());
            }
        }
        return switch (command.value()) {
            case "prepare" -> prepare();
            case "cleanup" -> cleanup();
            case "run" -> {
                // sysbench parses --file-test-mode for 'run' only (sb_fileio.c parse_arguments):
                // prepare and cleanup ignore it, whatever it says
                Mode m = mode.value() == null ? null : Enums.parse(Mode.class, "--file-test-mode", mode.value());
                if (m == null) {
                    throw new UsageException("missing required option --file-test-mode for 'run' "
                            + "(seqwr, seqrewr, seqrd, rndrd, rndwr or rndrw)");
                }
                FileIoOptions fo = options(m);
                yield BenchRunner.run(spec(), common, o -> new FileIoWorkload(fo));
            }
            default -> throw new UsageException("unknown command '" + command.value()
                    + "' for fileio: use prepare, run or cleanup");
        };
    }

    /**
     * Creates the files whatever --file-test-mode says. sysbench 1.0.20's file_cmd_prepare removes
     * them for seqwr only in intent: the mode is parsed for 'run' alone, so on 'prepare' it is
     * always the default (read) and the files are created; that is what users see and script on.
     */
    private int prepare() throws Exception {
        FileIoOptions o = options(Mode.RNDRD);
        boolean json = global().json();
        PrintWriter out = out();
        if (!json) {
            out.print("boxscope " + BenchRunner.version() + " (sysbench 1.0.20 compatible)\n\n");
            out.printf(Locale.ROOT, "%d files, %dKb each, %dMb total%n", o.fileNum(), o.fileSize() / 1024,
                    o.fileSize() * o.fileNum() / (1024 * 1024));
            out.print("Creating files for the test...\n");
            out.print(SysbenchText.extraFlags(o));
            out.flush();
        }
        FileSet.Prepared p = FileSet.prepare(o, line -> {
            if (!json) {
                out.println(line);
                out.flush();
            }
        });
        return show(new Prepared(o, p), PREPARED);
    }

    /** What prepare did: the file set and the bytes it wrote. */
    record Prepared(FileIoOptions options, FileSet.Prepared result) {}

    /** sysbench's last prepare line; JSON: the files and what was written. */
    static final View<Prepared> PREPARED = new View<>() {
        @Override
        public void text(Prepared r, Terminal t) {
            double s = r.result().nanos() / 1e9;
            if (r.result().bytesWritten() > 0) {
                t.out().printf(Locale.ROOT, "%d bytes written in %.2f seconds (%.2f MiB/sec).%n", r.result().bytesWritten(), s,
                        r.result().bytesWritten() / 1048576.0 / s);
            } else {
                t.out().println("No bytes written.");
            }
        }

        @Override
        public Object json(Prepared r) {
            Map<String, Object> doc = Json.object();
            doc.put("command", "prepare");
            doc.put("dir", r.options().dir().toString());
            doc.put("files", r.options().fileNum());
            doc.put("file_size_bytes", r.options().fileSize());
            doc.put("bytes_written", r.result().bytesWritten());
            doc.put("elapsed_s", r.result().nanos() / 1e9);
            return doc;
        }
    };

    private int cleanup() throws Exception {
        FileIoOptions o = options(Mode.RNDRD);
        boolean json = global().json();
        PrintWriter out = out();
        if (!json) {
            out.print("boxscope " + BenchRunner.version() + " (sysbench 1.0.20 compatible)\n\n");
            out.println("Removing test files...");
        }
        return show(new Removed(o, FileSet.cleanup(o)), REMOVED);
    }

    /** What cleanup removed. */
    record Removed(FileIoOptions options, int files) {}

    /** sysbench prints nothing more after "Removing test files..."; JSON says how many went. */
    static final View<Removed> REMOVED = new View<>() {
        @Override
        public void text(Removed r, Terminal t) {
        }

        @Override
        public Object json(Removed r) {
            Map<String, Object> doc = Json.object();
            doc.put("command", "cleanup");
            doc.put("dir", r.options().dir().toString());
            doc.put("files_removed", r.files());
            return doc;
        }
    };
}
