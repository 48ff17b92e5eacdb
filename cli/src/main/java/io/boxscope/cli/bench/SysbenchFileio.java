package io.boxscope.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import io.boxscope.bench.engine.RunOptions;
import io.boxscope.bench.fileio.FileIoOptions;
import io.boxscope.bench.fileio.FileIoOptions.ExtraFlag;
import io.boxscope.bench.fileio.FileIoOptions.Mode;
import io.boxscope.bench.fileio.FileIoWorkload;
import io.boxscope.bench.fileio.FileSet;
import io.boxscope.bench.fileio.TestFileException;
import io.boxscope.bench.Sizes;
import io.boxscope.bench.report.SysbenchText;
import io.boxscope.bench.sysbench.SbTables;
import io.boxscope.bench.sysbench.SbValues;
import io.boxscope.bench.workload.Seeds;

/**
 * The drop-in's fileio test: sysbench 1.0.20's parse_arguments (src/tests/fileio/sb_fileio.c) with
 * its messages, then prepare (create_files), cleanup (remove_files) or run, in the current
 * directory as sysbench works. Boxscope's own checks (a file smaller than one block, O_DIRECT
 * alignment, free space, a test file that is not a regular file) end as sysbench's errors do: a
 * FATAL line and exit 1. With --validate, prepare and the writes fill blocks as sysbench does
 * ({@link io.boxscope.bench.fileio.BlockChecksum}) and a read that fails the check ends the run
 * with sysbench's FATAL lines, no report, and exit 1.
 */
final class SysbenchFileio {
    private final SbValues v;
    private final SbLog log;
    private final String command;

    SysbenchFileio(SbValues v, SbLog log, String command) {
        this.v = v;
        this.log = log;
        this.command = command;
    }

    private SysbenchDropIn.Exit fatal(String message) {
        log.text(SbLog.FATAL, message);
        return new SysbenchDropIn.Exit(1);
    }

    /** parse_arguments: the options in sysbench's order; the mode is read for 'run' only. */
    FileIoOptions options() throws SysbenchDropIn.Exit {
        int num = v.integer("file-num");
        if (num <= 0) {
            throw fatal("Invalid value for file-num: " + num);
        }
        long total = v.size("file-total-size");
        if (total <= 0) {
            throw fatal("Invalid value for file-total-size: " + total);
        }
        Mode mode = Mode.RNDRD; // what prepare and cleanup use: the files are the same whatever the mode
        if (command.equals("run")) {
            String m = v.string("file-test-mode");
            if (m == null) {
                log.text(SbLog.FATAL, "Missing required argument: --file-test-mode\n");
                log.text(SbLog.NOTICE, "fileio options:");
                log.plain(SbTables.options(SbTables.FILEIO.options()));
                throw new SysbenchDropIn.Exit(1);
            }
            mode = switch (m) {
                case "seqwr" -> Mode.SEQWR;
                case "seqrewr" -> Mode.SEQREWR;
                case "seqrd" -> Mode.SEQRD;
                case "rndrd" -> Mode.RNDRD;
                case "rndwr" -> Mode.RNDWR;
                case "rndrw" -> Mode.RNDRW;
                default -> throw fatal("Invalid IO operations mode: " + m + ".");
            };
        }
        String io = v.string("file-io-mode");
        io = io == null ? "sync" : io;
        if (!List.of("sync", "async", "mmap").contains(io)) {
            throw fatal("unknown I/O mode: " + io);
        }
        int merged = v.integer("file-merged-requests");
        if (merged < 0) {
            throw fatal("Invalid value for file-merged-requests: " + merged + ".");
        }
        int block = (int) v.size("file-block-size");
        if (block <= 0) {
            throw fatal("Invalid value for file-block-size: " + block + ".");
        }
        EnumSet<ExtraFlag> flags = EnumSet.noneOf(ExtraFlag.class);
        for (String f : v.list("file-extra-flags")) {
            switch (f) {
                case "sync" -> flags.add(ExtraFlag.SYNC);
                case "dsync" -> flags.add(ExtraFlag.DSYNC);
                case "direct" -> flags.add(ExtraFlag.DIRECT);
                default -> throw fatal("Invalid value for file-extra-flags: " + v.string("file-extra-flags"));
            }
        }
        int freq = v.integer("file-fsync-freq");
        if (freq < 0) {
            throw fatal("Invalid value for file-fsync-freq: " + freq + ".");
        }
        boolean end = v.flag("file-fsync-end");
        boolean all = v.flag("file-fsync-all");
        String fm = String.valueOf(v.string("file-fsync-mode"));
        if (!fm.equals("fsync") && !fm.equals("fdatasync")) {
            throw fatal("Invalid fsync mode: " + fm + ".");
        }
        double ratio = v.real("file-rw-ratio");
        if (ratio < 0) {
            throw fatal(String.format(Locale.ROOT, "Invalid value for --file-rw-ratio: %f.", ratio));
        }
        FileIoOptions.IoMode ioMode = switch (io) {
            case "async" -> FileIoOptions.IoMode.ASYNC;
            case "mmap" -> FileIoOptions.IoMode.MMAP;
            default -> FileIoOptions.IoMode.SYNC;
        };
        int backlog = 128;
        if (ioMode == FileIoOptions.IoMode.ASYNC && command.equals("run")) {
            backlog = v.integer("file-async-backlog"); // file_async_init, for 'run' only
            if (backlog <= 0) {
                throw fatal("Invalid value of file-async-backlog: " + backlog);
            }
        }
        try {
            return new FileIoOptions(Path.of("."), num, total, block, mode, flags, freq, all, end, fm.equals("fdatasync"),
                    ratio, merged, ioMode, backlog, v.flag("validate"));
        } catch (IllegalArgumentException e) {
            throw fatal(e.getMessage());
        }
    }

    /** create_files: sysbench's lines, the files, and what was written. */
    int prepare() throws SysbenchDropIn.Exit {
        FileIoOptions o = options();
        log.text(SbLog.NOTICE, String.format(Locale.ROOT, "%d files, %dKb each, %dMb total", o.fileNum(), o.fileSize() / 1024,
                o.fileSize() * o.fileNum() / (1024 * 1024)));
        log.text(SbLog.NOTICE, "Creating files for the test...");
        log.notices(SysbenchText.extraFlags(o));
        FileSet.Prepared p;
        try {
            // --validate fills blocks from a generator: with --rand-seed the files are the same each time
            p = FileSet.prepare(o, Seeds.of(v.integer("rand-seed"), 0).forThread(0), line -> log.text(SbLog.NOTICE, line));
        } catch (IOException e) {
            throw fatal(String.valueOf(e.getMessage()));
        }
        double s = p.nanos() / 1e9;
        if (p.bytesWritten() > 0) {
            log.text(SbLog.NOTICE, String.format(Locale.ROOT, "%d bytes written in %.2f seconds (%.2f MiB/sec).",
                    p.bytesWritten(), s, p.bytesWritten() / 1048576.0 / s));
        } else {
            log.text(SbLog.NOTICE, "No bytes written.");
        }
        return 0;
    }

    /** remove_files. */
    int cleanup() throws SysbenchDropIn.Exit {
        FileIoOptions o = options();
        log.text(SbLog.NOTICE, "Removing test files...");
        try {
            FileSet.cleanup(o);
        } catch (IOException e) {
            throw fatal(String.valueOf(e.getMessage()));
        }
        return 0;
    }

    /** run_test for fileio: options, run mode, the files' checks (file_prepare), the run. */
    int run(SysbenchDropIn d) throws SysbenchDropIn.Exit {
        FileIoOptions o = options();
        RunOptions r = d.runOptions();
        log.notices(SysbenchText.runMode(r, d.mode()));
        log.notices(SysbenchText.fileioMode(o, r.events(), d.mode().validate()));
        FileIoWorkload w;
        try {
            w = new FileIoWorkload(o);
        } catch (TestFileException e) {
            if (e.missing()) {
                log.text(SbLog.FATAL, "Cannot open file '" + e.file() + "' errno = 2 (No such file or directory)");
                log.text(SbLog.WARNING, "Did you forget to run the prepare step?");
            } else {
                log.text(SbLog.FATAL, "Size of file '" + e.file() + "' is " + Sizes.sysbenchUnits(e.actualSize())
                        + "B, but at least " + Sizes.sysbenchUnits(e.expectedSize()) + "B is expected.");
                log.text(SbLog.WARNING, "Did you run 'prepare' with different --file-total-size or --file-num values?");
            }
            throw new SysbenchDropIn.Exit(1);
        } catch (IOException e) {
            throw fatal(String.valueOf(e.getMessage()));
        }
        try (w) {
            return d.measure(w, r);
        }
    }
}
