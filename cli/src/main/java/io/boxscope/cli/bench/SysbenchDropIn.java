package io.boxscope.cli.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import io.boxscope.bench.engine.Engine;
import io.boxscope.bench.engine.RunOptions;
import io.boxscope.bench.engine.RunResult;
import io.boxscope.bench.engine.Workload;
import io.boxscope.bench.report.SysbenchText;
import io.boxscope.bench.sysbench.SbCommandLine;
import io.boxscope.bench.sysbench.SbTables;
import io.boxscope.bench.sysbench.SbValues;
import io.boxscope.bench.workload.CpuWorkload;
import io.boxscope.bench.workload.MemoryWorkload;
import io.boxscope.bench.workload.MutexWorkload;
import io.boxscope.bench.workload.Seeds;
import io.boxscope.bench.workload.ThreadsWorkload;

/**
 * {@code boxscope sysbench ARGS...}, and Boxscope run through a link named {@code sysbench}: sysbench
 * 1.0.20's command line taken as it is, and what sysbench prints, line for line, with its messages
 * and exit codes (src/sysbench.c main()): --help and --version first, then the general options
 * (deprecated aliases, limits, --forced-shutdown, --rand-*, --report-checkpoints, --verbosity,
 * --percentile), the header, the test and its command. The measured figures are Boxscope's engine's
 * (the same one {@code boxscope bench} uses); nothing of Boxscope's own is printed.
 */
public final class SysbenchDropIn {
    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final SbLog log;
    private SbValues v;
    private RunOptions run;
    private SysbenchText.RunMode mode;
    private long forcedSeconds = -1;
    private int background;

    SysbenchDropIn(PrintStream out, PrintStream err, InputStream in) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.log = new SbLog(out);
    }

    /** A failure sysbench has already reported: the exit code it ends with. */
    static final class Exit extends Exception {
        final int code;

        Exit(int code) {
            super(null, null, false, false);
            this.code = code;
        }
    }

    /** Runs one sysbench command line; returns the exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err, InputStream in) {
        SysbenchDropIn d = new SysbenchDropIn(out, err, in);
        try {
            return d.main(args);
        } catch (Exit e) {
            return e.code;
        } catch (SbValues.BadValue e) {
            out.flush();
            err.println(e.getMessage());
            return 1;
        } catch (UnsupportedOperationException e) {
            // fileio on an architecture whose open(2) flags bench does not know (Posix.requireSupported): sysbench's
            // FATAL line with the reason, not a stack trace
            return d.fatal(String.valueOf(e.getMessage())).code;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private Exit fatal(String message) {
        log.text(SbLog.FATAL, message);
        return new Exit(1);
    }

    private int main(List<String> args) throws Exit {
        SbCommandLine cl;
        try {
            cl = SbCommandLine.parse(args);
        } catch (SbCommandLine.Refused r) {
            err.println(r.getMessage());
            return 1;
        }
        cl.warnings().forEach(err::println);
        v = cl.values();
        if (v.flag("help")) {
            log.plain(SbTables.help());
            return 0;
        }
        if (v.flag("version")) {
            log.plain(SbTables.VERSION + "\n");
            return 0;
        }
        init();
        log.init(v.integer("verbosity"));
        int percentile = v.integer("percentile");
        if (percentile < 0 || percentile > 100) {
            throw fatal("Invalid value for --percentile: " + percentile);
        }
        boolean histogram = v.flag("histogram");
        if (percentile == 0 && histogram) {
            throw fatal("--histogram cannot be used with --percentile=0");
        }
        run = new RunOptions(run.threads(), run.timeSeconds(), run.events(), run.rate(), run.reportInterval(), percentile,
                histogram, 0);
        log.text(SbLog.NOTICE, SbTables.HEADER + "\n");

        String name = cl.test();
        if (name == null || name.equals("-")) {
            return script();
        }
        SbTables.Test test = SbTables.test(name).orElse(null);
        if (test == null) {
            if (luaScript(name)) {
                throw fatal("boxscope sysbench runs the built-in tests only (fileio, cpu, memory, threads, mutex); "
                        + "it cannot run the Lua script '" + name + "'");
            }
            throw fatal("Cannot find benchmark '" + name + "': no such built-in test, file or module");
        }
        if (cl.command() == null) {
            out.flush();
            err.println("The '" + test.name() + "' test requires a command argument. See 'sysbench " + test.name() + " help'");
            return 1;
        }
        try {
            cl.parseTest(test);
        } catch (SbCommandLine.Refused r) {
            out.flush();
            err.println(r.getMessage());
            return 1;
        }
        String command = cl.command();
        switch (command) {
            case "help" -> {
                log.plain(test.name() + " options:\n" + SbTables.options(test.options()));
                return 0;
            }
            case "prepare", "cleanup" -> {
                if (!test.prepareAndCleanup()) {
                    out.flush();
                    err.println("'" + test.name() + "' test does not implement the '" + command + "' command.");
                    return 1;
                }
                SysbenchFileio f = new SysbenchFileio(v, log, command);
                return command.equals("prepare") ? f.prepare() : f.cleanup();
            }
            case "run" -> {
                return runTest(test);
            }
            default -> {
                out.flush();
                err.println("Unknown command: " + command);
                return 1;
            }
        }
    }

    /** sysbench's init(): the general options, in the order sysbench reads them, with its warnings and errors. */
    private void init() throws Exit {
        int threads = aliased("num-threads", "threads", 1);
        if (threads <= 0) {
            throw fatal("Invalid value for --threads: " + threads + ".\n");
        }
        long events = aliased("max-requests", "events", 0);
        int time = aliased("max-time", "time", 0);
        // sysbench keeps both as unsigned 64-bit values: a negative one is a huge limit
        double timeSeconds = time < 0 ? (double) Integer.toUnsignedLong(time) : time;
        long maxEvents = events < 0 ? Long.MAX_VALUE : events;
        if (maxEvents == 0 && time == 0) {
            log.text(SbLog.WARNING, "Both event and time limits are disabled, running an endless test");
        }
        if (time > 0) {
            String fs = v.string("forced-shutdown");
            if (fs == null) {
                forcedSeconds = time / 20;
            } else if (!fs.equalsIgnoreCase("off")) {
                int digits = 0;
                while (digits < fs.length() && (Character.isDigit(fs.charAt(digits))
                        || (digits == 0 && (fs.charAt(0) == '-' || fs.charAt(0) == '+')))) {
                    digits++;
                }
                long t = 0;
                try {
                    t = digits == 0 ? 0 : Long.parseLong(fs.substring(0, digits));
                } catch (NumberFormatException e) {
                    t = 0;
                }
                if (digits < fs.length() && fs.charAt(digits) == '%') {
                    t = t * time / 100;
                } else if (fs.isEmpty() || digits < fs.length()) {
                    throw fatal("Invalid value for --forced-shutdown: '" + fs + "'");
                }
                forcedSeconds = t;
            }
        }
        long stack = (int) v.size("thread-stack-size");
        if (stack <= 0) {
            throw fatal("Invalid value for thread-stack-size: " + stack + ".\n");
        }
        boolean debug = v.flag("debug");
        if (debug) {
            v.set("verbosity", "5", io.boxscope.bench.sysbench.SbOption.Type.INT);
        }
        boolean validate = v.flag("validate");
        int seed = v.integer("rand-seed");
        String type = v.string("rand-type");
        if (type == null || !List.of("uniform", "gaussian", "special", "pareto").contains(type)) {
            throw fatal("Invalid random numbers distribution: " + (type == null ? "(null)" : type) + ".");
        }
        v.integer("rand-spec-iter");
        v.integer("rand-spec-pct");
        v.integer("rand-spec-res");
        int rate = aliased("tx-rate", "rate", 0);
        int interval = v.integer("report-interval");
        List<Integer> checkpoints = new ArrayList<>();
        for (String c : v.list("report-checkpoints")) {
            long n;
            try {
                n = c.matches("[+-]?[0-9]+") ? Long.parseLong(c.startsWith("+") ? c.substring(1) : c) : -1;
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw fatal("Invalid value for --report-checkpoints: '" + c + "'");
            }
            if (checkpoints.size() == 256) {
                throw fatal("Too many checkpoints in --report-checkpoints (up to 256 can be defined)");
            }
            checkpoints.add((int) n);
        }
        checkpoints.sort(null);
        background = (interval > 0 ? 1 : 0) + (rate > 0 ? 1 : 0) + (checkpoints.isEmpty() ? 0 : 1);
        run = new RunOptions(threads, rate < 0 ? 0 : timeSeconds, maxEvents, Math.max(rate, 0), Math.max(interval, 0), 95,
                false, 0);
        mode = new SysbenchText.RunMode(checkpoints, debug, validate, seed,
                forcedSeconds < 0 ? -1 : time + forcedSeconds);
    }

    /** A deprecated alias wins, with sysbench's warning, when it is above its default. */
    private int aliased(String alias, String option, int unset) {
        int a = v.integer(alias);
        if (a > unset) {
            log.text(SbLog.WARNING, "--" + alias + " is deprecated, use --" + option + " instead");
            return a;
        }
        return v.integer(option);
    }

    /** No test name: sysbench runs a Lua script read from standard input, which Boxscope cannot. */
    private int script() throws Exit {
        if (io.boxscope.cli.CliCommand.isTty(0)) { // sysbench: isatty(fileno(stdin))
            log.text(SbLog.NOTICE, "Reading the script from the standard input:\n");
        }
        byte[] script;
        try {
            script = in.readAllBytes();
        } catch (IOException e) {
            script = new byte[0];
        }
        if (new String(script, java.nio.charset.StandardCharsets.ISO_8859_1).isBlank()) {
            return 0; // an empty script does nothing, in sysbench too
        }
        throw fatal("boxscope sysbench runs the built-in tests only (fileio, cpu, memory, threads, mutex); "
                + "it cannot run a Lua script read from standard input");
    }

    /** Whether sysbench would find a Lua script by this name (a file, NAME.lua, or one of its bundled scripts). */
    static boolean luaScript(String name) {
        for (String p : List.of(name, name + ".lua", "/usr/share/sysbench/" + name + ".lua",
                "/usr/local/share/sysbench/" + name + ".lua")) {
            try {
                if (Files.isRegularFile(Path.of(p))) {
                    return true;
                }
            } catch (java.nio.file.InvalidPathException e) {
                // not a path at all
            }
        }
        return false;
    }

    /** 'run': init the test, print the run mode, start, report; sysbench's run_test. */
    private int runTest(SbTables.Test test) throws Exit {
        if (test == SbTables.FILEIO) {
            return new SysbenchFileio(v, log, "run").run(this);
        }
        Workload w = switch (test.name()) {
            case "cpu" -> {
                int prime = v.integer("cpu-max-prime");
                if (prime <= 0) {
                    throw fatal("Invalid value of cpu-max-prime: " + prime + ".");
                }
                yield workload(() -> new CpuWorkload(prime));
            }
            case "memory" -> memory();
            case "threads" -> {
                int yields = v.integer("thread-yields");
                int locks = v.integer("thread-locks");
                yield workload(() -> new ThreadsWorkload(yields, locks));
            }
            case "mutex" -> {
                int num = v.integer("mutex-num");
                int locks = v.integer("mutex-locks");
                int loops = v.integer("mutex-loops");
                // sysbench's unsigned count: 0 is 2^32 locks per thread (MutexWorkload.sysbenchLocks)
                yield workload(() -> new MutexWorkload(num, MutexWorkload.sysbenchLocks(locks), loops));
            }
            default -> throw new IllegalStateException("no such built-in test: " + test.name());
        };
        try (w) {
            RunOptions o = w instanceof MemoryWorkload || w instanceof MutexWorkload ? withoutEvents(run) : run;
            log.notices(SysbenchText.runMode(o, mode));
            switch (w) {
                case CpuWorkload c -> log.text(SbLog.INFO, "Doing CPU performance benchmark\n");
                case ThreadsWorkload t -> {
                    log.text(SbLog.INFO, "Doing thread subsystem performance test");
                    log.text(SbLog.INFO, "Thread yields per test: " + t.yields() + " Locks used: " + t.locks());
                }
                case MutexWorkload m -> log.text(SbLog.INFO, "Doing mutex performance test");
                default -> { }
            }
            log.notices(SysbenchText.printMode(w, o.events()));
            return measure(w, o);
        } catch (IOException e) {
            throw fatal(String.valueOf(e.getMessage()));
        }
    }

    /** sysbench's memory test ignores --events (each thread has its share of --memory-total-size). */
    private static RunOptions withoutEvents(RunOptions o) {
        return new RunOptions(o.threads(), o.timeSeconds(), 0, o.rate(), o.reportInterval(), o.percentile(), o.histogram(), 0);
    }

    interface Maker {
        Workload make();
    }

    /** A workload, or sysbench's FATAL line with Boxscope's reason when Boxscope cannot run these values. */
    private Workload workload(Maker m) throws Exit {
        try {
            return m.make();
        } catch (IllegalArgumentException e) {
            throw fatal(e.getMessage());
        }
    }

    private Workload memory() throws Exit {
        long block = v.size("memory-block-size");
        if (block < 8 || (block & (block - 1)) != 0) {
            throw fatal("Invalid value for memory-block-size: " + v.string("memory-block-size"));
        }
        long total = v.size("memory-total-size");
        MemoryWorkload.Scope scope = switch (String.valueOf(v.string("memory-scope"))) {
            case "global" -> MemoryWorkload.Scope.GLOBAL;
            case "local" -> MemoryWorkload.Scope.LOCAL;
            default -> throw fatal("Invalid value for memory-scope: " + v.string("memory-scope"));
        };
        if (v.flag("memory-hugetlb")) {
            throw fatal("boxscope sysbench cannot allocate from the HugeTLB pool (--memory-hugetlb): its blocks are Java arrays");
        }
        MemoryWorkload.Oper op = switch (String.valueOf(v.string("memory-oper"))) {
            case "write" -> MemoryWorkload.Oper.WRITE;
            case "read" -> MemoryWorkload.Oper.READ;
            case "none" -> MemoryWorkload.Oper.NONE;
            default -> throw fatal("Invalid value for memory-oper: " + v.string("memory-oper"));
        };
        MemoryWorkload.Access access = switch (String.valueOf(v.string("memory-access-mode"))) {
            case "seq" -> MemoryWorkload.Access.SEQ;
            case "rnd" -> MemoryWorkload.Access.RND;
            default -> throw fatal("Invalid value for memory-access-mode: " + v.string("memory-access-mode"));
        };
        return workload(() -> new MemoryWorkload(block, total, scope, op, access, run.threads()));
    }

    /**
     * From "Initializing worker threads..." to the report: the run (with --report-interval lines,
     * and --forced-shutdown's deadline), the histogram, the test's figures and sysbench's statistics.
     */
    int measure(Workload w, RunOptions o) throws Exit {
        if (mode.randSeed() != 0) {
            w.seeds(Seeds.of(mode.randSeed(), background, o.percentile() > 0));
        }
        log.notices("Initializing worker threads...\n\nThreads started!\n\n");
        Engine engine = new Engine(w, o, iv -> {
            String line = SysbenchText.interval(w, iv, o);
            for (String l : line.split("\n")) {
                log.timestamp(SbLog.NOTICE, iv.elapsedSeconds(), l.substring(l.indexOf("] ") + 2));
            }
        });
        if (!mode.checkpoints().isEmpty()) {
            engine.checkpoints(mode.checkpoints(), c -> {
                log.timestamp(SbLog.NOTICE, c.elapsedSeconds(), "Checkpoint report:");
                log.notices(SysbenchText.body(w, c.result(), c.elapsedSeconds()));
            });
        }
        Thread watchdog = null;
        boolean[] forced = new boolean[1];
        if (mode.forcedShutdownSeconds() >= 0) {
            long deadlineMs = mode.forcedShutdownSeconds() * 1000L;
            watchdog = Thread.ofPlatform().daemon().name("sysbench-forced-shutdown").start(() -> {
                try {
                    Thread.sleep(deadlineMs);
                } catch (InterruptedException e) {
                    return;
                }
                forced[0] = true;
                log.text(SbLog.FATAL, "The --max-time limit has expired, forcing shutdown...");
                engine.stop();
            });
        }
        RunResult r;
        try {
            r = engine.run();
        } catch (Engine.EventQueueFullException e) {
            throw fatal(e.getMessage());
        } catch (io.boxscope.bench.fileio.ValidationException e) {
            SysbenchText.validationFailure(e).forEach(line -> log.text(SbLog.FATAL, line));
            throw new Exit(1);
        } catch (IOException e) {
            throw fatal(String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Exit(1);
        } finally {
            if (watchdog != null) {
                watchdog.interrupt();
            }
        }
        limitMessages(w, o, r);
        log.text(SbLog.INFO, "Done.\n");
        if (o.histogram()) {
            log.notices(SysbenchText.histogram(r.histogram()));
        }
        if (mode.checkpoints().isEmpty()) {
            log.notices(SysbenchText.body(w, r));
        } else {
            RunResult since = new RunResult(r.test(), r.options(), engine.sinceLastCheckpointNanos(), r.threadEvents(),
                    r.threadNanos(), r.minNanos(), r.maxNanos(), r.histogram(), r.intervals(), r.counterNames(), r.counters());
            log.notices(SysbenchText.body(w, since, r.seconds()));
        }
        return forced[0] ? 2 : 0;
    }

    /** At --verbosity=4 and up, each worker says why it stopped (sb_more_events), folded when repeated. */
    private void limitMessages(Workload w, RunOptions o, RunResult r) {
        if (w.selfLimited() && !(w instanceof MemoryWorkload && o.timeSeconds() > 0 && r.seconds() >= o.timeSeconds())) {
            return;
        }
        boolean byEvents = o.events() > 0 && r.events() >= o.events();
        for (int i = 0; i < o.threads(); i++) {
            log.text(SbLog.INFO, byEvents ? "Event limit exceeded, exiting..." : "Time limit exceeded, exiting...");
        }
    }

    SbLog log() {
        return log;
    }

    RunOptions runOptions() {
        return run;
    }

    SysbenchText.RunMode mode() {
        return mode;
    }

    Exit fail(String message) {
        return fatal(message);
    }
}
