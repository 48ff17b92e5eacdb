package io.boxscope.cli.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import io.boxscope.bench.fileio.FileIoOptions;
import io.boxscope.bench.fileio.FileIoOptions.ExtraFlag;
import io.boxscope.bench.fileio.FileIoOptions.Mode;
import io.boxscope.bench.fileio.FileIoWorkload;
import io.boxscope.bench.fileio.FileSet;
import io.boxscope.bench.report.SysbenchText;
import io.boxscope.cli.BoxscopeCommand;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "fileio", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"sysbench's fileio test: 'prepare' creates test_file.0..N-1 in --file-dir, 'run' does the",
                "--file-test-mode requests on them, 'cleanup' removes them. Nothing else is ever written."},
        footerHeading = "%nEXAMPLES%n",
        footer = {"  boxscope bench fileio prepare --file-total-size=256M --file-num=4 --file-dir=/tmp/t",
                "  boxscope bench fileio run --file-total-size=256M --file-num=4 --file-dir=/tmp/t --file-test-mode=rndrw",
                "  boxscope bench fileio run ... --file-test-mode=rndrd --file-extra-flags=direct   bypass the page cache",
                "  boxscope bench fileio cleanup --file-total-size=256M --file-num=4 --file-dir=/tmp/t"})
final class FileIoBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Parameters(index = "0", paramLabel = "prepare|run|cleanup", description = "The step to do.")
    String command;

    @Option(names = "--file-dir", paramLabel = "DIR", description = "Directory of the test files (default: the current directory).")
    Path dir = Path.of(".");

    @Option(names = "--file-num", paramLabel = "N", description = "Number of files to create (default: ${DEFAULT-VALUE}).")
    int fileNum = 128;

    @Option(names = "--file-block-size", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Block size to use in all I/O operations (default: 16384).")
    long blockSize = 16384;

    @Option(names = "--file-total-size", paramLabel = "SIZE", converter = Converters.Size.class,
            description = "Total size of files to create (default: 2G).")
    long totalSize = 2L << 30;

    @Option(names = "--file-test-mode", paramLabel = "MODE", description = "seqwr, seqrewr, seqrd, rndrd, rndwr or rndrw (required for run).")
    String mode;

    @Option(names = "--file-io-mode", paramLabel = "sync", description = "File operations mode: only sync (default: sync).")
    String ioMode = "sync";

    @Option(names = "--file-extra-flags", paramLabel = "LIST", split = ",",
            description = "Additional flags to open files with: sync, dsync, direct (default: none).")
    List<String> extraFlags = List.of();

    @Option(names = "--file-fsync-freq", paramLabel = "N", description = "fsync() after this number of requests; 0 - never (default: ${DEFAULT-VALUE}).")
    int fsyncFreq = 100;

    @Option(names = "--file-fsync-all", arity = "0..1", fallbackValue = "on", converter = Converters.OnOff.class, paramLabel = "on|off",
            description = "fsync() after each write operation (default: off).")
    boolean fsyncAll;

    @Option(names = "--file-fsync-end", arity = "0..1", fallbackValue = "on", converter = Converters.OnOff.class, paramLabel = "on|off",
            description = "fsync() at the end of the test (default: on).")
    boolean fsyncEnd = true;

    @Option(names = "--file-fsync-mode", paramLabel = "fsync|fdatasync", description = "Which call synchronizes (default: fsync).")
    String fsyncMode = "fsync";

    @Option(names = "--file-merged-requests", paramLabel = "N", description = "Merge at most this number of sequential requests; 0 - don't (default: ${DEFAULT-VALUE}).")
    int merged;

    @Option(names = "--file-rw-ratio", paramLabel = "N", description = "Reads/writes ratio for rndrw (default: ${DEFAULT-VALUE}).")
    double rwRatio = 1.5;

    FileIoOptions options(Mode m) {
        if (!ioMode.equals("sync")) {
            throw new UsageException("--file-io-mode=" + io.boxscope.cli.Text.safe(ioMode)
                    + " is not supported: only sync (async and mmap are not implemented)");
        }
        EnumSet<ExtraFlag> flags = EnumSet.noneOf(ExtraFlag.class);
        for (String f : extraFlags) {
            if (!f.isBlank()) {
                flags.add(Enums.parse(ExtraFlag.class, "--file-extra-flags", f.strip()));
            }
        }
        boolean fdatasync = switch (fsyncMode) {
            case "fsync" -> false;
            case "fdatasync" -> true;
            default -> throw new UsageException("invalid --file-fsync-mode '" + io.boxscope.cli.Text.safe(fsyncMode)
                    + "' (choose fsync or fdatasync)");
        };
        try {
            return new FileIoOptions(dir, fileNum, totalSize, blockSize, m, flags, fsyncFreq, fsyncAll, fsyncEnd, fdatasync,
                    rwRatio, merged);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        Mode m = mode == null ? null : Enums.parse(Mode.class, "--file-test-mode", mode);
        if (!command.equals("run")) {
            // prepare and cleanup inside the container's cgroups too (its I/O limits apply to them)
            var g = BoxscopeCommand.global(spec);
            if (g.container() != null) {
                return ContainerRun.delegate(spec, g);
            }
            if (common.joinCgroupsOf != null) {
                ContainerRun.join(common.joinCgroupsOf, g.paths());
            }
        }
        return switch (command) {
            case "prepare" -> prepare(m);
            case "cleanup" -> cleanup();
            case "run" -> {
                if (m == null) {
                    throw new UsageException("missing required option --file-test-mode for 'run' "
                            + "(seqwr, seqrewr, seqrd, rndrd, rndwr or rndrw)");
                }
                FileIoOptions fo = options(m);
                yield BenchRunner.run(spec, common, o -> new FileIoWorkload(fo));
            }
            default -> throw new UsageException("unknown command '" + io.boxscope.cli.Text.safe(command)
                    + "' for fileio: use prepare, run or cleanup");
        };
    }

    private int prepare(Mode m) throws Exception {
        FileIoOptions o = options(m == null ? Mode.RNDRD : m);
        boolean json = BoxscopeCommand.global(spec).json();
        PrintWriter out = spec.commandLine().getOut();
        if (m == Mode.SEQWR) {
            // sysbench: the creation test needs the files absent
            return cleanup();
        }
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
        double s = p.nanos() / 1e9;
        if (json) {
            Map<String, Object> doc = Json.object();
            doc.put("command", "prepare");
            doc.put("dir", o.dir().toString());
            doc.put("files", o.fileNum());
            doc.put("file_size", o.fileSize());
            doc.put("bytes_written", p.bytesWritten());
            doc.put("seconds", s);
            out.println(Json.pretty(doc));
        } else if (p.bytesWritten() > 0) {
            out.printf(Locale.ROOT, "%d bytes written in %.2f seconds (%.2f MiB/sec).%n", p.bytesWritten(), s,
                    p.bytesWritten() / 1048576.0 / s);
        } else {
            out.println("No bytes written.");
        }
        return ExitCode.OK;
    }

    private int cleanup() throws Exception {
        FileIoOptions o = options(Mode.RNDRD);
        boolean json = BoxscopeCommand.global(spec).json();
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.print("boxscope " + BenchRunner.version() + " (sysbench 1.0.20 compatible)\n\n");
            out.println("Removing test files...");
        }
        int removed = FileSet.cleanup(o);
        if (json) {
            Map<String, Object> doc = Json.object();
            doc.put("command", "cleanup");
            doc.put("dir", o.dir().toString());
            doc.put("files_removed", removed);
            out.println(Json.pretty(doc));
        }
        return ExitCode.OK;
    }
}
