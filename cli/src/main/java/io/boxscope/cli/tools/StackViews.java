package io.boxscope.cli.tools;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.boxscope.cli.Text;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.probe.output.StacksUnread;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.stacks.Folded;
import io.boxscope.tools.stacks.StackSample;

/**
 * The two text forms libbpf-tools' profile and offcputime print a stack in, and its JSON. Multi-line
 * (profile.c and offcputime.c {@code print_map}): kernel frames innermost first, then (with
 * {@code -d}) {@code --}, then user frames, each on a line indented by four spaces, then
 * {@code     -                COMM (PID)}, the weight indented by eight, and an empty line.
 * Folded: {@link Folded}. Every name goes through {@link Text#escaping}: on a terminal {@link Text#safe}, to a file or a
 * pipe a comm's or a symbol's bytes that are not UTF-8 as they are, as profile.c and offcputime.c print them
 * ({@code %s}); control characters escaped either way.
 */
public final class StackViews {
    private StackViews() {}

    static void multiLine(StringBuilder out, StackSample s, boolean delimiter, java.util.function.UnaryOperator<String> safe) {
        String nl = System.lineSeparator();
        for (String f : s.kernel()) {
            out.append("    ").append(safe.apply(f)).append(nl);
        }
        if (delimiter && !s.kernel().isEmpty() && !s.user().isEmpty()) {
            out.append("    --").append(nl);
        }
        for (String f : s.user()) {
            out.append("    ").append(safe.apply(f)).append(nl);
        }
        out.append(String.format(java.util.Locale.ROOT, "    %-16s %s (%d)%n", "-", safe.apply(s.comm()), s.pid()));
        out.append(String.format(java.util.Locale.ROOT, "        %d%n%n", s.weight()));
    }

    /** Runs the kernel skipped (another BPF program was running on the CPU), on standard error after the stacks; nothing when none. */
    static void skipped(io.boxscope.cli.Terminal t, long skipped) {
        if (skipped > 0) {
            t.out().flush();
            t.err().println(io.boxscope.tools.core.Lost.skipped(skipped));
            t.err().flush();
        }
    }

    /**
     * The distinct kernel addresses of the stacks shown as {@code [unknown]} because kallsyms could not be read, on standard error after the
     * stacks, once, as probe says it ({@link KernelSymbolsMissing#sentence}): {@code boxscope: 12 distinct kernel addresses
     * in the stacks shown as [unknown]: kernel symbols could not be read: ...}; nothing when every kernel frame was looked up.
     */
    public static void kernelSymbolsMissing(io.boxscope.cli.Terminal t, Optional<KernelSymbolsMissing> missing) {
        if (missing.isPresent()) {
            t.out().flush();
            t.err().println("boxscope: " + Text.safe(missing.get().sentence(KernelSymbolsMissing.Shown.UNKNOWN)));
            t.err().flush();
        }
    }

    /**
     * {@code kernel_symbols_missing} of a document: {@code {"addresses": 12, "reason": "..."}}, the data of probe's
     * stream line of that name; {@code {"addresses": 0, "reason": null}} when every kernel frame was looked up.
     */
    public static Map<String, Object> kernelSymbolsMissing(Optional<KernelSymbolsMissing> missing) {
        Map<String, Object> o = Json.object();
        o.put("addresses", missing.map(KernelSymbolsMissing::addresses).orElse(0L));
        o.put("reason", missing.map(KernelSymbolsMissing::reason).orElse(null));
        return o;
    }

    /**
     * The stacks shown empty because bpf_get_stackid could not store them, on standard error after the stacks, once, in
     * probe's words ({@link StacksUnread#sentence}) with {@code advice}: {@code boxscope: 3 stacks shown empty because
     * they could not be read: 3 EEXIST (...; raise --stack-storage-size)}; nothing when every stack was read.
     */
    public static void stacksUnread(io.boxscope.cli.Terminal t, Optional<StacksUnread> unread, StacksUnread.Advice advice) {
        if (unread.isPresent()) {
            t.out().flush();
            t.err().println("boxscope: " + Text.safe(unread.get().sentence(advice)));
            t.err().flush();
        }
    }

    /** The advice of profile's and offcputime's notice: their map of {@code stackStorageSize} stacks and the option. */
    static StacksUnread.Advice advice(int stackStorageSize) {
        return StacksUnread.Advice.option(stackStorageSize, "--stack-storage-size");
    }

    /**
     * {@code stacks_unread} of a document: {@link StacksUnread#json}, the data of probe's stream line of that name;
     * {@code {"stacks": 0, "errors": {}}} when every stack was read.
     */
    public static Map<String, Object> stacksUnread(Optional<StacksUnread> unread) {
        return unread.orElse(new StacksUnread(Map.of())).json();
    }

    /**
     * Every stack, folded or multi-line, in the order given: escaped for a terminal ({@link Text#safe}) when standard
     * output is one, else with bytes that are not UTF-8 written as they are ({@link Text#escaping}).
     */
    static void print(io.boxscope.cli.Terminal t, List<StackSample> stacks, boolean folded, boolean delimiter) {
        t.processText(safe -> {
            StringBuilder sb = new StringBuilder();
            for (StackSample s : stacks) {
                if (folded) {
                    sb.append(safe.apply(Folded.line(s, delimiter))).append(System.lineSeparator());
                } else {
                    multiLine(sb, s, delimiter, safe);
                }
            }
            return sb.toString();
        });
    }

    /** One stack as JSON: frames innermost first; {@code weightKey} names the weight with its unit. */
    public static Map<String, Object> json(StackSample s, String weightKey) {
        Map<String, Object> o = Json.object();
        o.put("pid", s.pid());
        o.put("comm", s.comm());
        o.put("user_stack", new ArrayList<>(s.user()));
        o.put("kernel_stack", new ArrayList<>(s.kernel()));
        o.put(weightKey, s.weight());
        return o;
    }

    static List<Object> json(List<StackSample> stacks, String weightKey) {
        List<Object> out = new ArrayList<>(stacks.size());
        for (StackSample s : stacks) {
            out.add(json(s, weightKey));
        }
        return out;
    }
}
