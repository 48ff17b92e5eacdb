package io.boxscope.bench.sysbench;

import static io.boxscope.bench.sysbench.SbOption.Type.BOOL;
import static io.boxscope.bench.sysbench.SbOption.Type.DOUBLE;
import static io.boxscope.bench.sysbench.SbOption.Type.FILE;
import static io.boxscope.bench.sysbench.SbOption.Type.INT;
import static io.boxscope.bench.sysbench.SbOption.Type.LIST;
import static io.boxscope.bench.sysbench.SbOption.Type.SIZE;
import static io.boxscope.bench.sysbench.SbOption.Type.STRING;
import static io.boxscope.bench.sysbench.SbOption.of;

import java.util.List;
import java.util.Optional;

/**
 * sysbench 1.0.20's option tables, in its order and with its help texts (they are part of the
 * output a drop-in must reproduce): the general options of src/sysbench.c, the random-number options
 * of sb_rand.c, the logger's of sb_logger.c, the database options of db_driver.c (accepted; no
 * driver is built in) and each built-in test's (src/tests/*).
 */
public final class SbTables {
    private SbTables() {}

    public static final String VERSION = "sysbench 1.0.20";
    /** The first line sysbench prints (print_header), for a build with the system's LuaJIT. */
    public static final String HEADER = VERSION + " (using system LuaJIT 2.1.0-beta3)";

    public static final List<SbOption> GENERAL = List.of(
            of("threads", "number of threads to use", "1", INT),
            of("events", "limit for total number of events", "0", INT),
            of("time", "limit for total execution time in seconds", "10", INT),
            of("forced-shutdown", "number of seconds to wait after the --time limit before forcing shutdown, or 'off' to disable",
                    "off", STRING),
            of("thread-stack-size", "size of stack per thread", "64K", SIZE),
            of("rate", "average transactions rate. 0 for unlimited rate", "0", INT),
            of("report-interval", "periodically report intermediate statistics with a specified interval in seconds. "
                    + "0 disables intermediate reports", "0", INT),
            of("report-checkpoints", "dump full statistics and reset all counters at specified points in time. The argument "
                    + "is a list of comma-separated values representing the amount of time in seconds elapsed from start of "
                    + "test when report checkpoint(s) must be performed. Report checkpoints are off by default.", "", LIST),
            of("debug", "print more debugging info", "off", BOOL),
            of("validate", "perform validation checks where possible", "off", BOOL),
            of("help", "print help and exit", "off", BOOL),
            of("version", "print version and exit", "off", BOOL),
            of("config-file", "File containing command line options", null, FILE),
            of("tx-rate", "deprecated alias for --rate", "0", INT),
            of("max-requests", "deprecated alias for --events", "0", INT),
            of("max-time", "deprecated alias for --time", "0", INT),
            of("num-threads", "deprecated alias for --threads", "1", INT));

    public static final List<SbOption> RAND = List.of(
            of("rand-type", "random numbers distribution {uniform,gaussian,special,pareto}", "special", STRING),
            of("rand-spec-iter", "number of iterations used for numbers generation", "12", INT),
            of("rand-spec-pct", "percentage of values to be treated as 'special' (for special distribution)", "1", INT),
            of("rand-spec-res", "percentage of 'special' values to use (for special distribution)", "75", INT),
            of("rand-seed", "seed for random number generator. When 0, the current time is used as a RNG seed.", "0", INT),
            of("rand-pareto-h", "parameter h for pareto distribution", "0.2", DOUBLE));

    public static final List<SbOption> LOG = List.of(
            of("verbosity", "verbosity level {5 - debug, 0 - only critical messages}", "3", INT));

    public static final List<SbOption> OPER = List.of(
            of("percentile", "percentile to calculate in latency statistics (1-100). Use the special value of 0 to "
                    + "disable percentile calculations", "95", INT),
            of("histogram", "print latency histogram in report", "off", BOOL));

    /** db_driver.c's options, as a build without the MySQL driver declares them (no default driver). */
    public static final List<SbOption> DB = List.of(
            of("db-driver", "specifies database driver to use ('help' to get list of available drivers)", null, STRING),
            of("db-ps-mode", "prepared statements usage mode {auto, disable}", "auto", STRING),
            of("db-debug", "print database-specific debug information", "off", BOOL));

    /** A built-in test: its name, description and options; whether it has prepare and cleanup. */
    public record Test(String name, String description, List<SbOption> options, boolean prepareAndCleanup) {}

    public static final Test FILEIO = new Test("fileio", "File I/O test", List.of(
            of("file-num", "number of files to create", "128", INT),
            of("file-block-size", "block size to use in all IO operations", "16384", INT),
            of("file-total-size", "total size of files to create", "2G", SIZE),
            of("file-test-mode", "test mode {seqwr, seqrewr, seqrd, rndrd, rndwr, rndrw}", null, STRING),
            of("file-io-mode", "file operations mode {sync,async,mmap}", "sync", STRING),
            of("file-async-backlog", "number of asynchronous operatons to queue per thread", "128", INT),
            of("file-extra-flags", "list of additional flags to use to open files {sync,dsync,direct}", "", LIST),
            of("file-fsync-freq", "do fsync() after this number of requests (0 - don't use fsync())", "100", INT),
            of("file-fsync-all", "do fsync() after each write operation", "off", BOOL),
            of("file-fsync-end", "do fsync() at the end of test", "on", BOOL),
            of("file-fsync-mode", "which method to use for synchronization {fsync, fdatasync}", "fsync", STRING),
            of("file-merged-requests", "merge at most this number of IO requests if possible (0 - don't merge)", "0", INT),
            of("file-rw-ratio", "reads/writes ratio for combined test", "1.5", DOUBLE)), true);

    public static final Test CPU = new Test("cpu", "CPU performance test", List.of(
            of("cpu-max-prime", "upper limit for primes generator", "10000", INT)), false);

    public static final Test MEMORY = new Test("memory", "Memory functions speed test", List.of(
            of("memory-block-size", "size of memory block for test", "1K", SIZE),
            of("memory-total-size", "total size of data to transfer", "100G", SIZE),
            of("memory-scope", "memory access scope {global,local}", "global", STRING),
            of("memory-hugetlb", "allocate memory from HugeTLB pool", "off", BOOL),
            of("memory-oper", "type of memory operations {read, write, none}", "write", STRING),
            of("memory-access-mode", "memory access mode {seq,rnd}", "seq", STRING)), false);

    public static final Test THREADS = new Test("threads", "Threads subsystem performance test", List.of(
            of("thread-yields", "number of yields to do per request", "1000", INT),
            of("thread-locks", "number of locks per thread", "8", INT)), false);

    public static final Test MUTEX = new Test("mutex", "Mutex performance test", List.of(
            of("mutex-num", "total size of mutex array", "4096", INT),
            of("mutex-locks", "number of mutex locks to do per thread", "50000", INT),
            of("mutex-loops", "number of empty loops to do outside mutex lock", "10000", INT)), false);

    /** In sysbench's registration order, which is the order help lists them in. */
    public static final List<Test> TESTS = List.of(FILEIO, CPU, MEMORY, THREADS, MUTEX);

    public static Optional<Test> test(String name) {
        return TESTS.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** Options known before a test is chosen: general, random numbers, logger, database. */
    public static SbValues generalValues() {
        SbValues v = new SbValues();
        v.register(LOG);
        v.register(OPER);
        v.register(GENERAL);
        v.register(RAND);
        v.register(DB);
        return v;
    }

    /** sb_print_options: "  --NAME" and the type's format padded to one column, the text, " [default]". */
    public static String options(List<SbOption> opts) {
        int max = 0;
        for (SbOption o : opts) {
            max = Math.max(max, o.name().length() + o.type().format().length());
        }
        StringBuilder sb = new StringBuilder();
        for (SbOption o : opts) {
            sb.append("  --").append(o.name());
            String fmt = o.type().format();
            sb.append(fmt).append(" ".repeat(max - o.name().length() + 1 - fmt.length()));
            sb.append(o.description());
            if (o.defaultValue() != null) {
                sb.append(" [").append(o.defaultValue()).append(']');
            }
            sb.append('\n');
        }
        sb.append('\n');
        return sb.toString();
    }

    /**
     * What {@code sysbench --help} prints (print_help), for a build without database drivers: the
     * "Compiled-in database drivers:" list is empty and no driver's options follow.
     */
    public static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage:\n  sysbench [options]... [testname] [command]\n\n");
        sb.append("Commands implemented by most tests: prepare run cleanup help\n\n");
        sb.append("General options:\n").append(options(GENERAL));
        sb.append("Pseudo-Random Numbers Generator options:\n").append(options(RAND));
        sb.append("Log options:\n").append(options(LOG)).append(options(OPER));
        sb.append("General database options:\n\n").append(options(DB)).append('\n');
        sb.append("Compiled-in database drivers:\n\n");
        sb.append("Compiled-in tests:\n");
        for (Test t : TESTS) {
            sb.append("  ").append(t.name()).append(" - ").append(t.description()).append('\n');
        }
        sb.append("\nSee 'sysbench <testname> help' for a list of options for each test.\n\n");
        return sb.toString();
    }
}
