package io.boxscope.proc;

import java.util.Arrays;

/**
 * The fields of {@code /proc/PID/stat} that Boxscope uses (proc(5)); {@code startStack} is the
 * address of the bottom of the main thread's stack (field 28, which pmap uses to label "[ stack ]"). The command name is the text
 * between the first '(' and the <em>last</em> ')': a process may name itself {@code a) b (c}.
 */
public record ProcStat(int pid, String comm, char state, int ppid, long utimeTicks, long stimeTicks,
        int numThreads, long startTimeTicks, long vsizeBytes, long rssPages, long startStack) {

    /** Parses one stat line. Throws {@link ProcParseException} on text that is not a stat line. */
    public static ProcStat parse(String text) {
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 1 || close < open) {
            throw new ProcParseException("stat", "no '(comm)' field in: " + abbreviate(text));
        }
        int pid = parseInt(text.substring(0, open).strip(), "pid");
        String comm = text.substring(open + 1, close);
        String[] f = text.substring(close + 1).strip().split(" ");
        // f[0] is field 3 (state); field n of proc(5) is f[n - 3].
        if (f.length < 22) {
            throw new ProcParseException("stat", "expected at least 24 fields, found " + (f.length + 2)
                    + " in: " + abbreviate(text));
        }
        // startstack (field 28) is 0 where the kernel hides it or prints fewer fields.
        long startStack = 0;
        if (f.length > 25) {
            try {
                startStack = Long.parseUnsignedLong(f[25]);
            } catch (NumberFormatException e) {
                throw new ProcParseException("stat", "startstack is not a number: " + abbreviate(f[25]));
            }
        }
        return new ProcStat(pid, comm, f[0].charAt(0), parseInt(f[1], "ppid"),
                parseLong(f[11], "utime"), parseLong(f[12], "stime"), parseInt(f[17], "num_threads"),
                parseLong(f[19], "starttime"), parseLong(f[20], "vsize"), parseLong(f[21], "rss"), startStack);
    }

    private static int parseInt(String s, String field) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new ProcParseException("stat", field + " is not a number: " + abbreviate(s));
        }
    }

    private static long parseLong(String s, String field) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ProcParseException("stat", field + " is not a number: " + abbreviate(s));
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    @Override
    public String toString() {
        return "ProcStat" + Arrays.asList(pid, comm, state, ppid);
    }
}
