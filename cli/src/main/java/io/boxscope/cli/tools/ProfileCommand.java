package io.boxscope.cli.tools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Opt;
import io.boxscope.cli.OutputFile;
import io.boxscope.cli.StopSignals;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.cli.View;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.probe.runtime.ProbeRunException;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.profile.Profile;
import io.boxscope.tools.stacks.FlameGraph;
import io.boxscope.tools.stacks.StackSample;

/**
 * {@code boxscope profile}: libbpf-tools' profile (same options and output; stacks heaviest first),
 * plus {@code --container}, {@code --json} and {@code --flame FILE.html}, a self-contained interactive
 * flame graph. The kernel side is the probe-language script of {@link Profile}.
 */
public final class ProfileCommand extends CliCommand {
    final Opt<String> pids = option(String.class, null, "-p").label("PID")
            .help("Profile processes with one or more comma-separated PIDs only.");
    final Opt<String> tids = option(String.class, null, "-L", "--tid").label("TID")
            .help("Profile threads with one or more comma-separated TIDs only.");
    final Opt<Boolean> userOnly = flag("-U", "--user-stacks-only").help("Show stacks from user space only (no kernel space stacks).");
    final Opt<Boolean> kernelOnly = flag("-K", "--kernel-stacks-only").help("Show stacks from kernel space only (no user space stacks).");
    final Opt<Integer> frequency = option(int.class, 49, "-F", "--frequency").label("FREQUENCY").help("Sample frequency, Hertz (default 49).");
    final Opt<Boolean> delimited = flag("-d", "--delimited").help("Insert delimiter between kernel/user stacks.");
    final Opt<Boolean> idle = flag("-I", "--include-idle").help("Include CPU idle stacks.");
    final Opt<Boolean> folded = flag("-f", "--folded").help("Output folded format, one line per stack (for flame graphs).");
    final Opt<Integer> cpu = option(int.class, -1, "-C", "--cpu").label("CPU").help("CPU number to run profile on.");
    final Opt<Integer> stackStorage = option(int.class, io.boxscope.tools.stacks.StackRun.STACK_KEYS, "--stack-storage-size")
            .label("STACK-STORAGE-SIZE").help("Distinct stacks the stack map holds (default " + io.boxscope.tools.stacks.StackRun.STACK_KEYS
                    + "); raise it when stacks are reported unread.");
    final Opt<Path> flame = option(Path.class, null, "--flame").label("FILE.html")
            .help("Also write an interactive flame graph (one self-contained HTML file: click to zoom, search).");
    final Opt<Integer> duration = positional(Integer.class, null).arity("0..1").label("duration")
            .help("Seconds to profile (default: until Ctrl-C).");

    public ProfileCommand() {
        super("profile", "Profile CPU usage by sampling stack traces at a timed interval (perf cpu-clock, every CPU),",
                "like libbpf-tools profile. Stacks are symbolized: kernel from kallsyms, user from ELF symbols,",
                "JIT code from /tmp/perf-PID.map (java -XX:+DumpPerfMapAtExit, or jcmd PID Compiler.perfmap).");
        globals("--json", "--proc-root", "--sys-root", "--container", "--pid");
        examples("  boxscope profile                     at 49 Hertz until Ctrl-C",
                "  boxscope profile -F 99 5             at 99 Hertz for 5 seconds",
                "  boxscope profile -f 10 > out.folded  folded, for flame graphs",
                "  boxscope profile -p 185 --flame p.html 10",
                "                                       and an interactive flame graph",
                "  boxscope profile --container web -U 5",
                "  boxscope --json profile 5 | jq '.stacks[0]'");
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        GlobalOptions g = global();
        Profile.Options o = options(g);
        if (flame.value() != null) {
            Path dir = flame.value().toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new io.boxscope.cli.NotFoundException("--flame " + flame.value() + ": the directory " + dir + " does not exist");
            }
        }
        PrintWriter out = out();
        try (StopSignals stop = StopSignals.install()) {
            if (!folded.value() && !g.json()) {
                out.println(header(o));
                // the reader already gone (| true, a pager quit): nothing to sample for, unless --flame's file is wanted;
                // Main says nothing of a closed pipe (DEVELOPERS.md, closed-pipe rule)
                if (out.checkError() && flame.value() == null) {
                    return ExitCode.OK;
                }
            }
            Profile.Report r = Profile.run(o, g.paths(), stop::await);
            if (flame.value() != null) {
                OutputFile.write(flame.value(), FlameGraph.page("boxscope profile: " + r.samples() + " samples at "
                        + o.frequency() + " Hz", r.stacks(), "samples",
                        flameNote(r)));
            }
            show(r, new ReportView(folded.value(), delimited.value()));
            r.failedUpdates().forEach(f -> ToolCommand.reportMapUpdatesFailed(out, err(), f));
            if (flame.value() != null && !g.json()) {
                err().println(Text.safe("flame graph: " + flame.value().toAbsolutePath()));
            }
            return ExitCode.OK;
        } catch (ProgramException e) {
            throw new IllegalStateException("profile's script does not compile: " + e.getMessage(), e);
        } catch (ProbeRunException e) {
            return ToolCommand.refused(e, err(), io.boxscope.proc.Privileges.self());
        }
    }

    Profile.Options options(GlobalOptions g) throws IOException {
        if (frequency.value() <= 0) {
            throw new UsageException("invalid FREQUENCY: " + frequency.value());
        }
        if (duration.value() != null && duration.value() <= 0) {
            throw new UsageException("Invalid duration (in s): " + duration.value());
        }
        if (userOnly.value() && kernelOnly.value()) {
            throw new UsageException("user_stacks_only and kernel_stacks_only cannot be used together.");
        }
        List<Integer> p = ids("-p", pids.value());
        if (g.pid() != null) {
            if (!p.isEmpty()) {
                throw new UsageException("-p and --pid both select processes: give one");
            }
            p = List.of(g.pid());
        }
        List<Integer> t = ids("-L", tids.value());
        if (!p.isEmpty() && !t.isEmpty()) {
            throw new UsageException("-p and -L cannot be used together: give pids or tids");
        }
        Path dir;
        try {
            dir = g.container() == null ? null : ToolTarget.resolve(g.paths(), null, g.container()).cgroupDir();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try {
            return new Profile.Options(frequency.value(), p, t, userOnly.value(), kernelOnly.value(), idle.value(), cpu.value(), dir,
                    duration.value() == null ? Duration.ZERO : Duration.ofSeconds(duration.value()), stackStorage.value());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The flame graph's note: what its stacks lack (kernel frames unnamed, stacks unread), as standard error says it. */
    static String flameNote(Profile.Report r) {
        List<String> notes = new ArrayList<>();
        r.kernelSymbolsMissing().ifPresent(m -> notes.add(m.sentence(KernelSymbolsMissing.Shown.UNKNOWN)));
        r.stacksUnread().ifPresent(u -> notes.add(u.sentence(StackViews.advice(r.options().stackStorageSize()))));
        return String.join(". ", notes);
    }

    static List<Integer> ids(String option, String list) {
        List<Integer> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        for (String part : list.split(",")) {
            try {
                int id = Integer.parseInt(part.strip());
                if (id <= 0) {
                    throw new NumberFormatException();
                }
                out.add(id);
            } catch (NumberFormatException e) {
                throw new UsageException("invalid " + (option.equals("-p") ? "PID" : "TID") + ": " + list);
            }
        }
        return out;
    }

    /** libbpf-tools profile's {@code print_headers}. */
    static String header(Profile.Options o) {
        StringBuilder b = new StringBuilder("Sampling at " + o.frequency() + " Hertz of");
        if (!o.pids().isEmpty()) {
            b.append(" PID ").append(o.pids().toString());
        } else if (!o.tids().isEmpty()) {
            b.append(" TID ").append(o.tids().toString());
        } else {
            b.append(" all threads");
        }
        b.append(o.userOnly() ? " by user" : o.kernelOnly() ? " by kernel" : " by user + kernel");
        if (o.cpu() >= 0) {
            b.append(" on CPU#").append(o.cpu());
        }
        return b.append(o.duration().isPositive() ? " for " + o.duration().toSeconds() + " secs." : "... Hit Ctrl-C to end.").toString();
    }

    record ReportView(boolean folded, boolean delimiter) implements View<Profile.Report> {
        @Override
        public void text(Profile.Report r, Terminal t) {
            StackViews.print(t, r.stacks(), folded, delimiter);
            StackViews.skipped(t, r.skipped());
            StackViews.kernelSymbolsMissing(t, r.kernelSymbolsMissing());
            StackViews.stacksUnread(t, r.stacksUnread(), StackViews.advice(r.options().stackStorageSize()));
        }

        @Override
        public Object json(Profile.Report r) {
            Map<String, Object> o = Json.object();
            o.put("frequency_hz", r.options().frequency());
            o.put("duration_s", r.elapsed().toMillis() / 1000.0);
            o.put("samples", r.samples());
            o.put("skipped_events", r.skipped());
            o.put("kernel_symbols_missing", StackViews.kernelSymbolsMissing(r.kernelSymbolsMissing()));
            o.put("stacks_unread", StackViews.stacksUnread(r.stacksUnread()));
            o.put("stacks", StackViews.json(r.stacks(), "samples"));
            return o;
        }
    }
}
