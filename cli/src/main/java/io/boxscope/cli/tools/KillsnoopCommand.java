package io.boxscope.cli.tools;

import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import io.boxscope.bpf.Signals;
import io.boxscope.cli.Opt;
import io.boxscope.cli.Text;
import io.boxscope.cli.UsageException;
import io.boxscope.proc.Pad;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.killsnoop.KillEvent;
import io.boxscope.tools.killsnoop.Killsnoop;

/**
 * {@code boxscope killsnoop} and {@code boxscope sigsnoop}: libbpf-tools' sigsnoop, its options and columns, plus
 * --container, -C and --json. libbpf-tools builds ONE binary and installs killsnoop as a link to sigsnoop; its
 * {@code alias_parse()} (libbpf-tools/sigsnoop.c) turns on {@code -k} when the program's name contains "killsnoop".
 * So {@code killsnoop} traces the kill()/tkill()/tgkill() calls only (with their result: signal 0 and failed kills
 * shown) and its {@code -k} changes nothing; {@code sigsnoop} traces every signal the kernel generates
 * ({@code signal:signal_generate}) unless given {@code -k}.
 */
public final class KillsnoopCommand extends ToolCommand<KillEvent> {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** true for killsnoop (kill syscalls only, always), false for sigsnoop. */
    private final boolean killsnoop;

    final Opt<Boolean> killOnly = flag("-k", "--kill").help("Trace signals issued by kill syscall only (killsnoop always does).");
    final Opt<Boolean> names = flag("-n", "--name").help("Output signal name instead of signal number.");
    final Opt<String> signal = option(String.class, null, "-s", "--signal").label("SIGNAL").help("Signal to trace (a list: 9,15).");
    final Opt<Boolean> failed = flag("-x", "--failed").help("Trace failed signals only.");

    /** {@code boxscope killsnoop}. */
    public KillsnoopCommand() {
        this(true);
    }

    /** @param killsnoop true for {@code killsnoop} (always {@code -k}, as libbpf-tools' alias), false for {@code sigsnoop} */
    public KillsnoopCommand(boolean killsnoop) {
        super(killsnoop ? "killsnoop" : "sigsnoop", "-C", killsnoop
                ? new String[] {"Trace signals issued by the kill(), tkill() and tgkill() syscalls, with their result",
                        "(libbpf-tools killsnoop: sigsnoop -k). Needs root (CAP_BPF + CAP_PERFMON)."}
                : new String[] {"Trace standard and real-time signals (libbpf-tools sigsnoop, on the signal_generate",
                        "tracepoint, or with -k the kill/tkill/tgkill ones). Needs root (CAP_BPF + CAP_PERFMON)."});
        this.killsnoop = killsnoop;
        if (killsnoop) {
            examples("  boxscope killsnoop             trace kill(), tkill() and tgkill() system-wide",
                    "  boxscope killsnoop -x          trace failed kill calls only",
                    "  boxscope killsnoop -p 1216     only trace PID 1216",
                    "  boxscope killsnoop -s 9 -n     only trace signal 9, by name",
                    "  boxscope killsnoop --container web -C",
                    "  boxscope killsnoop --json -d 10 | jq -c '[.comm, .signal, .tpid, .result]'",
                    "  boxscope sigsnoop              every signal the kernel generates, not only kill calls");
        } else {
            examples("  boxscope sigsnoop              trace signals system-wide",
                    "  boxscope sigsnoop -k           trace signals issued by kill syscall only (= boxscope killsnoop)",
                    "  boxscope sigsnoop -x           trace failed signals only",
                    "  boxscope sigsnoop -p 1216      only trace PID 1216",
                    "  boxscope sigsnoop -s 9 -n      only trace signal 9, by name",
                    "  boxscope sigsnoop --container web -C",
                    "  boxscope sigsnoop --json -d 10 | jq -c '[.comm, .signal, .tpid]'");
        }
    }

    @Override
    protected EventTool<KillEvent> tool(ToolTarget target) {
        return new Killsnoop(options());
    }

    /** The library options for the flags given: killsnoop is always kill-only (libbpf-tools' alias_parse). */
    Killsnoop.Options options() {
        return new Killsnoop.Options(killsnoop || killOnly.value(), failed.value(), signals(signal.value()));
    }

    /**
     * -s: one signal or a comma-separated list ({@code -s 9,15}, {@code -s KILL,TERM}), as libbpf-tools' sigsnoop.c
     * parses its -s with strtok(arg, ",") into a bit mask; each a number or a name (ours takes names too).
     */
    static java.util.Set<Integer> signals(String arg) {
        if (arg == null) {
            return java.util.Set.of();
        }
        java.util.Set<Integer> all = new java.util.TreeSet<>();
        for (String one : arg.split(",", -1)) {
            Integer sig = Signals.parse(one.trim());
            if (sig == null) {
                throw new UsageException("invalid signal: " + Text.safe(one) + " (give a number or a name such as TERM, or a list: 9,15)");
            }
            all.add(sig);
        }
        return all;
    }

    @Override
    protected String header(ToolTarget target) {
        return (containerColumn() ? String.format(Locale.ROOT, "%-16s ", "CONTAINER") : "")
                + String.format(Locale.ROOT, "%-8s %-7s %-16s %-9s %-7s %-6s%n", "TIME", "PID", "COMM", "SIG", "TPID", "RESULT");
    }

    @Override
    protected Map<String, Object> json(KillEvent e) {
        Map<String, Object> o = Json.object();
        o.put("time", e.time().format(HMS));
        o.put("container", e.container());
        o.put("pid", e.pid());
        o.put("comm", e.comm());
        o.put("signal", e.signal());
        o.put("signal_name", e.signal() == 0 ? null : Signals.name(e.signal()));
        o.put("tpid", e.tpid());
        o.put("result", e.result());
        return o;
    }

    /** The installed libbpf-tools killsnoop's line (no TCOMM column: that came later). */
    @Override
    protected String line(KillEvent e) {
        String sig = names.value() ? name(e.signal()) : Integer.toString(e.signal());
        // "%-8s %-7d %-16s %-9s %-7d %-6d%n" without String.format (Pad.left)
        StringBuilder sb = new StringBuilder(96);
        if (containerColumn()) {
            sb.append(containerCell(e.container()));
        }
        Pad.left(sb, e.time().format(HMS), 8).append(' ');
        Pad.left(sb, e.pid(), 7).append(' ');
        Pad.left(sb, escaped(e.comm()), 16).append(' ');
        Pad.left(sb, sig, 9).append(' ');
        Pad.left(sb, e.tpid(), 7).append(' ');
        Pad.left(sb, e.result(), 6);
        return sb.append(System.lineSeparator()).toString();
    }

    /** libbpf-tools' sig_name table: N/A for 0, SIGHUP..SIGSYS, then SIGNAL-N. */
    static String name(int sig) {
        return sig == 0 ? "N/A" : sig < 32 ? Signals.name(sig) : "SIGNAL-" + sig;
    }
}
