package io.boxscope.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.BpfPermissionException;
import io.boxscope.bpf.Errno;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.NoSuchProcessException;
import io.boxscope.proc.Privileges;
import io.boxscope.proc.container.UnknownContainerException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Entry point. The single place that turns exceptions into messages and exit codes (see
 * {@link ExitCode}): no stack traces for users unless BOXSCOPE_DEBUG is set.
 */
public final class Main {
    private Main() {}

    static {
        // picocli's DefaultFactory looks for Groovy's closure class (Class.forName("groovy.lang.Closure")) when it is
        // first used; the class is nowhere, so the application class loader searches the class path for it, and that
        // opens boxscope.jar and indexes its central directory (~2,650 entries, interpreted): 10-25 ms of the main
        // thread's wall time before the command line is parsed, and for `probe -e` the only reason the jar is opened
        // before the first line (-Xlog:exceptions shows the ClassNotFoundException; docs/benchmarks.md, "Start-up: the
        // critical path in wall time"). Boxscope has no Groovy; picocli's own switch skips the lookup.
        System.setProperty("picocli.disable.closures", "true");
    }

    public static void main(String[] args) {
        DebugPhases.mainStarted();
        String training = System.getProperty("boxscope.aot.training");
        if ("true".equals(training) || "tracing".equals(training)) {
            int trained = train("tracing".equals(training));
            // Through System.exit like a real run: Runtime.exit initialises the JDK's logging
            // (to log the exit), whose classes then come from the cache too. 1 when a run failed (TrainingRuns).
            System.exit(trained);
        }
        if (System.getenv("BOXSCOPE_NO_CACHE") == null) {
            // Feature answers and typedefs kept per boot (root only; docs/bpf.md "Per-boot cache")
            io.boxscope.bpf.feature.BootCache.useDirectory(java.nio.file.Path.of("/run/boxscope"));
            io.boxscope.probe.runtime.CompileCache.useBuild(buildId());
        }
        FirstWriteFailure stdout = new FirstWriteFailure(new FileOutputStream(FileDescriptor.out));
        PrintStream out = new PrintStream(new BufferedOutputStream(stdout, 8192), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, out, err);
        if (out.checkError() && stdout.failure() != null) {
            code = outputFailed(stdout.failure(), err, code);
        }
        if (System.getenv("BOXSCOPE_DEBUG") != null) {
            bootCacheErrors(err);
            compileCache(err);
            kallsymsCache(err);
        }
        System.exit(code);
    }

    /**
     * What identifies this build for the compile cache (docs/probe.md, "Compile cache"): the jar's path, size and
     * modification time, which every build changes; null (no compile cache) when the classes do not come from a jar.
     * Joined with a StringBuilder, not {@code +}: a string concatenation is an invokedynamic call site whose first call
     * spins a {@code String$$StringConcat} class and its method-handle forms with the class-file API, and the AOT cache
     * holds it resolved only when the training ran it, which it does not (the training returns before this); that was
     * ~7-10 ms of every start's main thread before the command line was parsed (-Xlog:class+init, docs/benchmarks.md,
     * "Start-up: per-family caches, the training replay").
     */
    static String buildId() {
        try {
            java.security.CodeSource cs = Main.class.getProtectionDomain().getCodeSource();
            java.nio.file.Path jar = cs == null ? null : java.nio.file.Path.of(cs.getLocation().toURI());
            if (jar == null || !java.nio.file.Files.isRegularFile(jar)) {
                return null;
            }
            return new StringBuilder(jar.toString()).append(' ').append(java.nio.file.Files.size(jar)).append(' ')
                    .append(java.nio.file.Files.getLastModifiedTime(jar).to(java.util.concurrent.TimeUnit.NANOSECONDS)).toString();
        } catch (java.io.IOException | java.net.URISyntaxException | RuntimeException e) {
            return null; // no compile cache: every run compiles, as before it existed
        }
    }

    /** BOXSCOPE_DEBUG's line about the compile cache: hits, misses, files stored and evicted, files rejected and why. */
    static void compileCache(PrintStream err) {
        long hits = io.boxscope.probe.runtime.CompileCache.hits();
        long misses = io.boxscope.probe.runtime.CompileCache.misses();
        long rejected = io.boxscope.probe.runtime.CompileCache.rejected();
        long stored = io.boxscope.probe.runtime.CompileCache.stored();
        long evicted = io.boxscope.probe.runtime.CompileCache.evicted();
        long abandoned = io.boxscope.probe.runtime.CompileCache.abandoned();
        if (hits + misses + rejected + stored + evicted + abandoned == 0) {
            return;
        }
        err.println("boxscope: debug: compile cache: " + hits + " hit, " + misses + " miss, " + rejected + " rejected, "
                + stored + " stored, " + evicted + " evicted (oldest, the directory full), " + abandoned
                + " abandoned temporary file(s) removed" + (io.boxscope.probe.runtime.CompileCache.lastLookupNanos() < 0 ? ""
                : "; last key " + io.boxscope.probe.runtime.CompileCache.lastKeyNanos() / 1_000 + " us, lookup "
                + io.boxscope.probe.runtime.CompileCache.lastLookupNanos() / 1_000 + " us"));
        for (String p : io.boxscope.probe.runtime.CompileCache.problems()) {
            err.println("  " + Text.safe(p));
        }
    }

    /** The per-boot kallsyms cache's counts and problems (bpf KallsymsCache), when this run symbolized kernel addresses. */
    static void kallsymsCache(PrintStream err) {
        long hits = io.boxscope.bpf.symbols.KallsymsCache.hits();
        long misses = io.boxscope.bpf.symbols.KallsymsCache.misses();
        long stale = io.boxscope.bpf.symbols.KallsymsCache.stale();
        long rejected = io.boxscope.bpf.symbols.KallsymsCache.rejected();
        long stored = io.boxscope.bpf.symbols.KallsymsCache.stored();
        List<String> problems = io.boxscope.bpf.symbols.KallsymsCache.problems();
        if (hits + misses + stale + rejected + stored == 0 && problems.isEmpty()) {
            return;
        }
        err.println("boxscope: debug: kallsyms cache: " + hits + " hit, " + misses + " miss, " + stale + " stale, " + rejected
                + " rejected, " + stored + " stored; kallsyms read " + io.boxscope.bpf.symbols.KernelSymbols.loads() + " time(s)");
        for (String p : problems) {
            err.println("  " + Text.safe(p));
        }
    }

    /**
     * BOXSCOPE_DEBUG's report of the per-boot cache's I/O errors (docs/bpf.md, "Per-boot cache"): the cache
     * never fails a command, so they are shown here, once per process, and nowhere else; nothing when there
     * were none.
     */
    static void bootCacheErrors(PrintStream err) {
        long n = io.boxscope.bpf.feature.BootCache.errors();
        if (n == 0) {
            return;
        }
        List<String> problems = io.boxscope.bpf.feature.BootCache.problems();
        err.println("boxscope: per-boot cache: " + n + " I/O error" + (n == 1 ? "" : "s") + " (the cache acted empty;"
                + " the kernel was asked instead)" + (problems.size() < n ? "; the last " + problems.size() + ":" : ":"));
        for (String p : problems) {
            err.println("  " + Text.safe(p));
        }
    }

    /**
     * The exit code once standard output could not be written. A closed pipe ({@code | head -1},
     * {@code | grep -q}, a pager quit) means the reader has all it wanted: the command stops (a
     * stream notices at its next write or flush), prints nothing and keeps its own code, 0 when it
     * went well. Not 141, the shell's status of a C tool killed by SIGPIPE (the JVM ignores SIGPIPE,
     * so the write fails with EPIPE instead), nor 1: under {@code set -o pipefail} either would fail
     * {@code boxscope probe -l | head -1} in a script for a normal ending (docs/probe.md, "Pipes").
     * Any other error ({@code > /dev/full}: ENOSPC, EIO) lost output, which is said, with exit 1. A
     * command that failed already keeps its code.
     */
    static int outputFailed(IOException e, PrintStream err, int code) {
        if (brokenPipe(e)) {
            return code;
        }
        err.println("boxscope: cannot write standard output: " + Text.safe(String.valueOf(e.getMessage())));
        return code == ExitCode.OK ? ExitCode.FAILURE : code;
    }

    /**
     * EPIPE: standard output's reader is gone, as the kernel says it ({@link ClosedPipe}). Not by the message alone: the
     * JDK's is strerror(3) in the process's locale ("Datenübergabe unterbrochen (broken pipe)" under LANG=de_DE.UTF-8),
     * which read as another error printed it and exited 1; the C locale's text is kept for a JVM without native access.
     */
    static boolean brokenPipe(IOException e) {
        return ClosedPipe.readerGone(1) || "Broken pipe".equals(e.getMessage());
    }

    /** Runs one command line with the given streams; returns the exit code. Used by tests too. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("sysbench")) {
            // sysbench's command line is not Boxscope's: its --help, --version and options go to the drop-in as they are
            return io.boxscope.cli.bench.SysbenchDropIn.run(List.of(args).subList(1, args.length), out, err, System.in);
        }
        CommandLine cl = Commands.commandLineFor(args);
        ((BoxscopeCommand) cl.getCommandSpec().userObject()).stdout = out;
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler(new ParameterErrors());
        cl.setExecutionExceptionHandler(new Errors());
        cl.setExecutionStrategy(parsed -> {
            CliCommand.checkGlobals(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        int code = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        return code;
    }

    /** Names shown after an unknown container before "and N more": enough to spot a typo, one line. */
    static final int KNOWN_SHOWN = 5;

    /**
     * One line: the message with the containers that do exist, the first {@link #KNOWN_SHOWN}
     * then how many more. Every part is made {@link Text#safe} (the query and the names are
     * anyone's choice; a newline in them must not start a second line).
     */
    /**
     * docs/cli.md, "Exit codes": what the user named is not there, or not running, exit 1, like a PID that does not
     * exist; an id prefix that several containers share is a usage error, 2 (the message lists them); not found
     * because a runtime socket refused this user (nobody and the Docker socket), so that names are unknown, a missing
     * privilege, 3. Decided from the library's reason, never from the text of its notices: a daemon that is down or
     * unreadable containerd metadata also leave names unknown, and no privilege would help there.
     */
    static int exitCode(UnknownContainerException u, boolean root) {
        return switch (u.reason()) {
            case AMBIGUOUS -> ExitCode.USAGE;
            case NOT_RUNNING -> ExitCode.FAILURE;
            case NO_MATCH -> u.namesRefused() && !root ? ExitCode.PRIVILEGE : ExitCode.FAILURE;
        };
    }

    static String unknownContainer(UnknownContainerException u) {
        List<String> known = u.known();
        String list;
        if (known.isEmpty()) {
            list = "no containers are running on this host";
        } else {
            List<String> shown = known.stream().limit(KNOWN_SHOWN).map(Text::safe).toList();
            list = "running: " + String.join(", ", shown)
                    + (known.size() > shown.size() ? " and " + (known.size() - shown.size()) + " more" : "");
        }
        String why = u.namesUnavailable().isEmpty() ? "" : "; names unavailable: " + Text.safe(u.namesUnavailable().getFirst());
        return Text.safe(u.getMessage() == null ? "" : u.getMessage()) + " (" + list + ")" + why;
    }

    /**
     * EPERM/EACCES from bpf(2) or perf_event_open(2): a missing privilege (exit 3) when this
     * process lacks CAP_BPF+CAP_PERFMON (or CAP_SYS_ADMIN); with them, the kernel forbids the
     * operation itself (lockdown, a security module), and no privilege would help (exit 1).
     */
    public static int bpfRefused(PrintWriter err, BpfPermissionException b, Privileges p) {
        if (!p.canTrace()) {
            return Errors.print(err, b.operation() + ": " + Errno.describe(b.errno()) + " — " + PrivilegeException.bpfAdvice(p),
                    ExitCode.PRIVILEGE);
        }
        return Errors.print(err, b.operation() + ": " + Errno.describe(b.errno()) + " — refused although this process has"
                + " CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN): kernel lockdown or a security module forbids it", ExitCode.FAILURE);
    }

    private static HostPaths paths(CommandLine cmd) {
        try {
            return BoxscopeCommand.global(cmd.getCommandSpec()).paths();
        } catch (RuntimeException e) {
            return HostPaths.DEFAULT;
        }
    }

    /** Under /proc, /sys or the --proc-root/--sys-root given: a file of the system, not of the user. */
    static boolean isSystemFile(String file, HostPaths paths) {
        if (file == null) {
            return false;
        }
        Path p = Path.of(file).toAbsolutePath().normalize();
        for (Path root : List.of(paths.procRoot(), paths.sysRoot(), HostPaths.DEFAULT.procRoot(), HostPaths.DEFAULT.sysRoot())) {
            if (p.startsWith(root.toAbsolutePath().normalize())) {
                return true;
            }
        }
        return false;
    }

    private static final class ParameterErrors implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            String unknown = ex instanceof CommandLine.UnmatchedArgumentException u ? unknownOptions(u) : null;
            if (unknown != null) {
                err.println("boxscope: " + Text.safe(unknown)); // one line, whatever was typed
            } else {
                err.println("boxscope: " + Text.safe(ex.getMessage() == null ? "" : ex.getMessage())); // one line, whatever was typed
                CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            }
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCode.USAGE;
        }

        /**
         * The options typed that the command does not have, each with the closest of its option names (edit
         * distance, as probe's "did you mean"), or null when nothing typed looks like an option. picocli's own
         * message names every word it could not place: {@code diagnose --duraton 5 X} took 5 as the target and
         * said "Unknown options: '--duraton', 'X'" (the walk of session 32); the mistyped option is what to fix.
         */
        static String unknownOptions(CommandLine.UnmatchedArgumentException u) {
            CommandLine.Model.CommandSpec spec = u.getCommandLine().getCommandSpec();
            List<String> names = new ArrayList<>();
            for (CommandLine.Model.OptionSpec o : spec.options()) {
                if (!o.hidden()) {
                    names.addAll(List.of(o.names()));
                }
            }
            List<String> parts = new ArrayList<>();
            for (String arg : u.getUnmatched()) {
                if (!arg.startsWith("-") || arg.length() < 2 || arg.matches("-[0-9][0-9.]*")) { // "-" and "-5" are values
                    continue;
                }
                String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                List<String> near = io.boxscope.probe.lang.sema.EditDistance.closest(name, names, 3);
                parts.add("'" + name + "'" + (near.isEmpty() ? "" : " (did you mean " + String.join(" or ", near.stream()
                        .map(n -> "'" + n + "'").toList()) + "?)"));
            }
            if (parts.isEmpty()) {
                return null;
            }
            return (parts.size() == 1 ? "unknown option " : "unknown options ") + String.join(", ", parts);
        }
    }

    private static final class Errors implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
            PrintWriter err = cmd.getErr();
            if (System.getenv("BOXSCOPE_DEBUG") != null && !saidInFull(ex)) {
                ex.printStackTrace(err);
            }
            // Messages carry container names, paths and process names: escaped like every other output.
            return switch (ex) {
                // A usage error quotes what the user typed: a newline in it must not start a second line.
                case UsageException u -> {
                    err.println("boxscope: " + Text.safe(u.getMessage() == null ? "" : u.getMessage()));
                    yield ExitCode.USAGE;
                }
                case UnknownContainerException u -> {
                    err.println("boxscope: " + unknownContainer(u));
                    yield exitCode(u, Privileges.self().isRoot());
                }
                case NotFoundException n -> printLine(err, n.getMessage() == null ? "" : n.getMessage(), ExitCode.FAILURE);
                case PrivilegeException p -> print(err, p.getMessage(), ExitCode.PRIVILEGE);
                case BpfPermissionException b -> bpfRefused(err, b, Privileges.self());
                // Another process's /proc files, cgroup and tracefs files: a privilege is missing.
                // A file the user named (--save, --file-dir): its own permissions, exit 1.
                case AccessDeniedException a when isSystemFile(a.getFile(), paths(cmd)) -> printLine(err, "permission denied: "
                        + a.getFile() + (a.getReason() != null ? " (" + a.getReason() + ")" : "") + ": "
                        + PrivilegeException.advice(), ExitCode.PRIVILEGE);
                case AccessDeniedException a -> printLine(err, "permission denied: " + a.getFile()
                        + (a.getReason() != null ? " (" + a.getReason() + ")" : "")
                        + " (check the permissions of the file and its directory, or choose another path)", ExitCode.FAILURE);
                case io.boxscope.trace.scap.CaptureFileException c -> printLine(err, c.getMessage(), ExitCode.FAILURE);
                case NoSuchFileException n when isSystemFile(n.getFile(), paths(cmd)) -> printLine(err, "cannot read " + n.getFile()
                        + ": no such file or directory (is --proc-root or --sys-root right?)", ExitCode.FAILURE);
                case NoSuchFileException n -> printLine(err, n.getFile() + ": no such file or directory", ExitCode.FAILURE);
                case OutputFile.WriteException w -> printLine(err, w.getMessage(), ExitCode.FAILURE);
                case NoSuchProcessException n -> print(err, n.getMessage(), ExitCode.FAILURE);
                default -> isBug(ex)
                        ? print(err, "internal error in '" + cmd.getCommandSpec().qualifiedName() + "' ("
                                + ex.getClass().getSimpleName() + "): please report it with the output of BOXSCOPE_DEBUG=1",
                                ExitCode.FAILURE)
                        : print(err, describe(ex), ExitCode.FAILURE);
            };
        }

        /**
         * Errors about what the user asked for (a usage error, a container or a process that is not there, e.g. a
         * PID that exited before diagnose started): their one line says all there is, with or without
         * BOXSCOPE_DEBUG; a stack trace would only bury it. Every other error keeps its trace under BOXSCOPE_DEBUG.
         */
        static boolean saidInFull(Exception ex) {
            return ex instanceof UsageException || ex instanceof UnknownContainerException || ex instanceof NoSuchProcessException
                    || ex instanceof NotFoundException;
        }

        /** One line whatever the message holds: for messages with file names, which may contain newlines. */
        static int printLine(PrintWriter err, String message, int code) {
            err.println("boxscope: " + Text.safe(message));
            return code;
        }

        static int print(PrintWriter err, String message, int code) {
            err.println("boxscope: " + Text.safeLines(message == null ? "" : message));
            return code;
        }

        /** Exceptions that mean a programming error, whose message would mislead a user. */
        private static boolean isBug(Exception e) {
            return e instanceof NullPointerException || e instanceof ClassCastException
                    || e instanceof IndexOutOfBoundsException || e instanceof ArithmeticException
                    || e instanceof NegativeArraySizeException || e instanceof IllegalMonitorStateException;
        }

        private static String describe(Throwable t) {
            String m = t.getMessage();
            return m == null || m.isBlank() ? t.getClass().getSimpleName() + " (set BOXSCOPE_DEBUG=1 for details)" : m;
        }
    }

    /**
     * The AOT cache's training run (see src/main/launcher/aot-train): in one JVM, printing nothing,
     * it runs start-up, help for every command, and the read-only commands users run most, on this
     * process itself, so that their classes are loaded and linked and their method profiles
     * recorded (JEP 483, 515). The tracing runs load and attach BPF programs as root and leave nothing attached.
     *
     * <p>{@code tracingOnly} trains the second, smaller cache the launchers give the tracing commands (the tools,
     * syscount, probe running a program; src/main/launcher/jit): only the tracing runs below, and profile and offcputime
     * on this process, whose symbolizers (kallsyms, ELF, stacks) only diagnose trained, in the whole cache (profile -F 49
     * 1, whole run: 5.7 -> 4.7 s; offcputime 1: 5.8 -> 3.7 s; medians at load 6-8, docs/benchmarks.md). JDK 25 loads and links
     * every class of an AOT cache while the JVM starts, so the one cache of every command (3,462 classes) cost
     * opensnoop ~25 ms to its header that a cache of the tracing path alone (2,741 classes) does not
     * (docs/benchmarks.md, "The JVM's start to main, bisected"). A command the cache has not seen still runs; its
     * classes come from the jar.
     *
     * <p>Returns the training JVM's exit code: 1 when a run failed, each failure said on standard error (which
     * aot-train keeps in aot-train.log and repeats); runs that lacked a privilege are counted in one line
     * ({@link TrainingRuns}).
     */
    static int train(boolean tracingOnly) {
        List<String[]> runs = new ArrayList<>();
        String self = Long.toString(ProcessHandle.current().pid());
        if (!tracingOnly) {
            everyCommand(runs, self);
        }
        tracing(runs);
        if (tracingOnly) {
            // The stack tools, whose symbolizers (kallsyms, ELF, StackRun) the whole cache learns from diagnose: on this
            // process, briefly, so the tracing cache holds what they load after their header.
            runs.add(new String[] {"profile", "-F", "49", "-p", self, "1"});
            runs.add(new String[] {"offcputime", "-p", self, "1"});
        }
        // The per-boot cache in a directory of the training's own: the runs before index cold fill it (cold), the ones
        // after answer from it (warm), so both paths' classes are in the AOT cache.
        java.nio.file.Path cacheDir = null;
        try {
            cacheDir = java.nio.file.Files.createTempDirectory("boxscope-train");
            io.boxscope.bpf.feature.BootCache.useDirectory(cacheDir);
            io.boxscope.probe.runtime.CompileCache.useBuild("training"); // the warm runs below read what the cold ones stored
        } catch (java.io.IOException | RuntimeException e) {
            // training without the cache's classes
        }
        // trace -r in both caches: the launcher gives trace -r / sysdig -r the tracing cache (cli/src/main/launcher/jit),
        // the whole cache still has them for a launcher without the second one
        java.nio.file.Path capture = trainingCapture(cacheDir);
        if (capture != null) {
            // trace -r (issue 13): the reader, inspector, compiled filter and line classes, as users filter files
            String file = capture.toString();
            runs.add(new String[] {"trace", "-r", file});
            runs.add(new String[] {"trace", "-r", file, "evt.type=openat"});
            runs.add(new String[] {"trace", "-r", file, "proc.name=bash"});
            runs.add(new String[] {"trace", "-r", file, "fd.name contains /etc"});
            runs.add(new String[] {"sysdig", "-r", file, "-n", "10", "evt.type=close and evt.arg.fd=3"});
            runs.add(new String[] {"trace", "-r", file, "container.id=host"});
        }
        // Cold/warm concerns the BPF runs only (trace -r reads a file and touches neither per-boot cache): the warm half
        // starts here, after the cold tracing runs and trace -r, as before the tracing cache was added.
        int cold = runs.size();
        runs.add(new String[] {"probe", "-q", "-e", "tracepoint:syscalls:sys_enter_getp* { @[probe] = count(); } "
                + "interval:ms:100 { exit(); }"});
        runs.add(new String[] {"execsnoop", "--duration", "1"});
        runs.add(new String[] {"opensnoop", "--duration", "1"});
        runs.add(new String[] {"runqlat", "1", "1"});
        java.nio.file.Path report = null;
        if (!tracingOnly) {
            report = diagnose(runs, self);
        }
        // A failing run trains less: each is checked, and a failure said and made the training's exit code
        int code = TrainingRuns.runAll(runs, Main::run, i -> {
            if (i == cold) {
                io.boxscope.bpf.feature.Features.reset();
            }
        }, System.err);
        io.boxscope.bpf.feature.BootCache.useDirectory(null);
        io.boxscope.probe.runtime.CompileCache.useBuild(null);
        if (report != null) {
            try {
                java.nio.file.Files.deleteIfExists(report);
            } catch (java.io.IOException e) {
                // a temporary file left behind
            }
        }
        if (cacheDir != null) {
            try (var files = java.nio.file.Files.walk(cacheDir)) {
                for (java.nio.file.Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.deleteIfExists(f); // files first, then compiled/, then the directory
                }
            } catch (java.io.IOException e) {
                // a temporary directory left behind
            }
        }
        return code;
    }

    /** Training runs of the commands other than tracing: start-up, every command's help, the read-only commands. */
    private static void everyCommand(List<String[]> runs, String self) {
        runs.add(new String[] {"--version"});
        runs.add(new String[] {"--help"});
        runs.add(new String[] {"--no-such-option"});
        CommandLine cl = Commands.commandLine();
        for (String name : cl.getSubcommands().keySet()) {
            runs.add(new String[] {name, "--help"});
        }
        runs.add(new String[] {"completion"});
        runs.add(new String[] {"containers", "--json"});
        runs.add(new String[] {"containers"});
        for (int round = 0; round < 3; round++) {
            runs.add(new String[] {"mem", "top"});
            runs.add(new String[] {"mem", "top", "--json"});
            runs.add(new String[] {"mem", "pmap", "-x", self});
            runs.add(new String[] {"mem", "pmap", "-XX", self});
            runs.add(new String[] {"mem", "rollup", self});
            runs.add(new String[] {"mem", "smaps", self});
            runs.add(new String[] {"probe", "-l", "tracepoint:syscalls:*"});
        }
    }

    /**
     * The tracing path (issue 14's start-up to "Tracing..."): compile, feature probes, load, attach, run, detach, in the
     * probe command and in the tools. As root they run for real and leave nothing attached; without the privilege they
     * fail early, and training keeps what they loaded.
     */
    private static void tracing(List<String[]> runs) {
        runs.add(new String[] {"probe", "-q", "-e", "BEGIN { @c[1, \"a\"] = count(); @h = hist(5); @s = sum(2); "
                + "printf(\"%d %s\\n\", 1, comm); exit(); } END { @e = 1; }"});
        runs.add(new String[] {"probe", "-q", "-e", "tracepoint:syscalls:sys_enter_getpid { @[comm] = count(); } "
                + "tracepoint:raw_syscalls:sys_exit /pid == -1/ { @x = lhist(args->ret, 0, 10, 1); } interval:ms:100 { exit(); }"});
        runs.add(new String[] {"execsnoop", "--duration", "1"});
        runs.add(new String[] {"opensnoop", "--duration", "1"});
        runs.add(new String[] {"runqlat", "1", "1"});
        runs.add(new String[] {"syscount", "-d", "1"});
    }

    /**
     * diagnose of this JVM for a short window, once as text with the HTML report and once as JSON: its classes, and the
     * ~260 lambdas and pattern switches of diagnose, the cgroup readers and the ELF symbolizer that a run otherwise
     * spins at run time (each through the class-file API, which C1 then compiles), come from the AOT cache. Issue 15:
     * diagnose's start-up CPU is taken from a target that keeps every CPU busy (docs/benchmarks.md, "diagnose:
     * start-up trained"). As root the collectors load and attach for real; without the privilege they are said under
     * NOT MEASURED and the /proc path is trained alone. Last: it lowers this thread's priority for its window and sets
     * it back where allowed (without CAP_SYS_NICE the rest of training would run at nice 10). Returns the HTML
     * report's temporary file, or null.
     */
    private static java.nio.file.Path diagnose(List<String[]> runs, String self) {
        java.nio.file.Path report = null;
        try {
            report = java.nio.file.Files.createTempFile("boxscope-train", ".html");
        } catch (java.io.IOException | RuntimeException e) {
            // trained without the HTML report's classes
        }
        runs.add(report == null ? new String[] {"diagnose", self, "--duration", "300ms"}
                : new String[] {"diagnose", self, "--duration", "300ms", "--html", report.toString()});
        runs.add(new String[] {"--json", "diagnose", self, "--duration", "300ms"});
        return report;
    }

    /**
     * A small capture file for the training's {@code trace -r} runs, in {@code dir} (deleted with it): a shell
     * opening, reading and closing files, as a filtered read of a real capture meets them. Null when it cannot
     * be written (training then goes without those classes).
     */
    private static java.nio.file.Path trainingCapture(java.nio.file.Path dir) {
        if (dir == null) {
            return null;
        }
        java.nio.file.Path file = dir.resolve("training.scap");
        io.boxscope.trace.scap.ThreadInfo bash = io.boxscope.trace.scap.ThreadInfo.of(4000, 4000, 1, "bash",
                "/bin/bash", List.of("-i"), "/root/", 0, 0);
        // A machine block and an fd table as a real capture has them (trace -w writes both): their readers' classes
        // come from the cache too, not the jar
        var tables = new io.boxscope.trace.scap.CaptureTables(
                new io.boxscope.trace.scap.MachineInfo(2, 8L << 30, 4_194_304, "training"), List.of(), List.of(), List.of(),
                List.of(bash), java.util.Map.of(4000L, List.of(
                        io.boxscope.trace.scap.FdInfo.file(0, 1, "/dev/pts/0", 2, 0),
                        io.boxscope.trace.scap.FdInfo.ipv4(4, 2, new byte[] {127, 0, 0, 1}, 40000,
                                new byte[] {127, 0, 0, 1}, 22, 6))));
        try (var w = io.boxscope.trace.scap.ScapWriter.create(file, tables, false)) {
            long ts = 1_700_000_000_000_000_000L;
            for (int i = 0; i < 500; i++) {
                String path = i % 2 == 0 ? "/etc/passwd" : "/usr/lib/x" + i;
                w.write(io.boxscope.trace.scap.ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, 4000, 0)
                        .num(-100).str(path).num(0).num(0).build());
                w.write(io.boxscope.trace.scap.ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts += 1000, 4000, 0)
                        .num(3).num(-100).str(path).num(0).num(0).num(0x803).build());
                w.write(io.boxscope.trace.scap.ScapEvent.builder("PPME_SYSCALL_READ_E", ts += 1000, 4000, 0)
                        .num(3).num(16).build());
                w.write(io.boxscope.trace.scap.ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 4000, 0)
                        .num(4).bytes("root".getBytes(StandardCharsets.UTF_8)).build());
                w.write(io.boxscope.trace.scap.ScapEvent.builder("PPME_SYSCALL_CLOSE_E", ts += 1000, 4000, 0)
                        .num(3).build());
                w.write(io.boxscope.trace.scap.ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ts += 1000, 4000, 0)
                        .num(0).build());
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return file;
    }
}
