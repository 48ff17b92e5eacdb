package io.boxscope.tools.funccount;

import java.util.Locale;

/**
 * A BCC funccount pattern (tools/funccount.py {@code Probe.__init__}) as a probe-language attach point:
 * <ul>
 *   <li>{@code t:CATEGORY:EVENT}: a kernel tracepoint ({@code tracepoint:CATEGORY:EVENT});</li>
 *   <li>{@code LIB:FUNC}, {@code p:LIB:FUNC}, {@code /PATH:FUNC}: a user-space function ({@code uprobe:LIB:FUNC});</li>
 *   <li>{@code u:LIB:FUNC}: in BCC a USDT probe; here, as issue 14 asks, a user-space function too
 *       (the probe language has no USDT probes yet);</li>
 *   <li>{@code FUNC}, {@code p::FUNC}: a kernel function ({@code kprobe:FUNC}), which needs kprobes.</li>
 * </ul>
 * {@code *} is the only wildcard (BCC turns it into {@code .*}; {@code -r} regular expressions are not supported).
 *
 * @param kind    what is counted
 * @param library the library or binary (uprobes), the category (tracepoints), else empty
 * @param name    the function or event pattern
 */
public record FuncPattern(Kind kind, String library, String name) {

    public enum Kind {
        TRACEPOINT, UPROBE, KPROBE
    }

    /** Parses a pattern; an invalid one throws IllegalArgumentException with BCC's wording. */
    public static FuncPattern parse(String pattern) {
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("empty pattern");
        }
        if (!pattern.matches("[A-Za-z0-9_*:./+\\-]+")) {
            throw new IllegalArgumentException("pattern " + pattern + " has characters that are not in function, library or tracepoint names");
        }
        String[] parts = pattern.split(":", -1);
        switch (parts.length) {
            case 1 -> {
                return new FuncPattern(Kind.KPROBE, "", nonEmpty(parts[0], pattern));
            }
            case 2 -> {
                return parts[0].isEmpty() ? new FuncPattern(Kind.KPROBE, "", nonEmpty(parts[1], pattern))
                        : new FuncPattern(Kind.UPROBE, parts[0], nonEmpty(parts[1], pattern));
            }
            case 3 -> {
                String lib = parts[1];
                String fn = nonEmpty(parts[2], pattern);
                return switch (parts[0]) {
                    case "t" -> new FuncPattern(Kind.TRACEPOINT, nonEmpty(lib, pattern), fn);
                    case "p", "u" -> lib.isEmpty() ? new FuncPattern(Kind.KPROBE, "", fn) : new FuncPattern(Kind.UPROBE, lib, fn);
                    default -> throw new IllegalArgumentException("Type must be 'p', 't', or 'u', but got " + parts[0]);
                };
            }
            default -> throw new IllegalArgumentException("Too many ':'-separated components in pattern " + pattern);
        }
    }

    private static String nonEmpty(String s, String pattern) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("pattern " + pattern + " names no function or event");
        }
        return s;
    }

    /** The probe-language attach point. */
    public String attachPoint() {
        return switch (kind) {
            case TRACEPOINT -> "tracepoint:" + library + ":" + name;
            case UPROBE -> "uprobe:" + library + ":" + name;
            case KPROBE -> "kprobe:" + name;
        };
    }

    /**
     * The counting program: {@code @counts[probe] = count()} on every match, only in process $1 when
     * it is not 0 (-p PID).
     */
    public String script() {
        return "// funccount: calls per function or event (BCC funccount)\n"
                + "// $1 0: every process, else only this process id (-p)\n"
                + attachPoint() + "\n/$1 == 0 || pid == $1/\n{\n  @counts[probe] = count();\n}\n";
    }

    /**
     * The FUNC column's name of a probe as the runtime names it: BCC prints {@code CATEGORY:EVENT}
     * for tracepoints and the bare function name for kernel and user functions.
     */
    public static String funcName(String probe) {
        String p = probe;
        if (p.startsWith("tracepoint:")) {
            return p.substring("tracepoint:".length());
        }
        if (p.startsWith("uprobe:") || p.startsWith("kprobe:")) {
            return p.substring(p.lastIndexOf(':') + 1);
        }
        return p;
    }

    /**
     * The one-line error for a kernel-function pattern on a kernel without kprobes, naming a tracepoint
     * to count instead: the syscall tracepoint of a {@code vfs_}/{@code sys_}/{@code do_sys_} function
     * where one exists among {@code syscallEvents} (the kernel's syscalls tracepoint names), else the
     * syscall tracepoints in general.
     */
    public String noKprobesMessage(String reason, java.util.Set<String> syscallEvents) {
        String stem = name.replaceFirst("^(__x64_sys_|__arm64_sys_|__se_sys_|__do_sys_|ksys_|do_sys_|sys_|vfs_)", "");
        String alt = "t:syscalls:sys_enter_*";
        if (!stem.equals(name) && !stem.isEmpty()) {
            String candidate = "sys_enter_" + stem;
            if (stem.contains("*") || syscallEvents.contains(candidate)) {
                alt = "t:syscalls:" + candidate;
            }
        }
        return String.format(Locale.ROOT, "cannot count kernel function '%s': kprobes are not available on this kernel (%s);"
                + " count a tracepoint instead, e.g. boxscope funccount '%s'", name, reason, alt);
    }
}
