package io.boxscope.tools.execsnoop;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import io.boxscope.probe.output.TextBuffer;
import io.boxscope.probe.runtime.PrintfRecord;
import io.boxscope.proc.RawText;
import io.boxscope.tools.core.Args;
import io.boxscope.tools.core.Containers;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.LineBytes;
import io.boxscope.tools.core.RecordLines;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.core.ToolSession;
import io.boxscope.tools.core.ToolTarget;

/**
 * libbpf-tools' execsnoop on the probe language ({@code execsnoop.bt}): the enter probes of
 * execve/execveat send the file name and each argument as one record, the exit probe the result;
 * they are joined here by thread id (the ring buffer keeps one thread's records in order). As in
 * libbpf-tools, failed execs are shown only with {@code -x}, {@code -n} keeps commands whose name
 * contains NAME. Differences: {@code -l} looks in the arguments (libbpf-tools looks in the name,
 * against its own help text), and execveat is traced too.
 */
public final class Execsnoop extends EventTool<ExecEvent> {
    /** libbpf-tools' TOTAL_MAX_ARGS and DEFAULT_MAXARGS. */
    public static final int MAX_ARGS = 60;
    public static final int DEFAULT_MAX_ARGS = 20;
    /** libbpf-tools' ARGSIZE: bytes read of each argument, its NUL included. */
    static final int ARGSIZE = 128;
    /** Threads with an exec in flight that are remembered (libbpf-tools' execs map holds 10240). */
    static final int PENDING = 10240;

    /**
     * @param failed  include failed execs (-x)
     * @param uid     trace only this user (-u), or null
     * @param maxArgs arguments read, the file name included (--max-args, 1..60)
     * @param name    keep commands whose name contains this (-n), or null
     * @param line    keep commands whose arguments contain this (-l), or null
     */
    public record Options(boolean failed, Integer uid, int maxArgs, String name, String line) {
        public Options {
            if (maxArgs < 1 || maxArgs > MAX_ARGS) {
                throw new IllegalArgumentException("--max-args must be between 1 and " + MAX_ARGS + ", not " + maxArgs);
            }
            if (uid != null && uid < 0) {
                throw new IllegalArgumentException("invalid UID " + uid + " (give a user id, 0 or above)");
            }
        }

        public static Options defaults() {
            return new Options(false, null, DEFAULT_MAX_ARGS, null, null);
        }
    }

    /** One exec in flight: its arguments so far (Strings on the values path, bytes on the byte path), and whether argv had more. */
    private record Pending<T>(List<T> args, boolean[] more) {}

    /**
     * How {@link #feed} reads a record's fields, on either path: integers, strings, and an argument as the path keeps
     * it ({@code T}), with that argument's text for -l.
     */
    private interface Fields<T> {
        long i(int index);

        String s(int index);

        T arg(int index);

        String text(T arg);
    }

    /** The execs in flight by thread, the oldest forgotten past {@link #PENDING} (libbpf-tools' execs map). */
    private static <T> Map<Integer, Pending<T>> inFlight() {
        return new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Pending<T>> eldest) {
                return size() > PENDING;
            }
        };
    }

    private final Options options;
    private final Map<Integer, Pending<String>> pending = inFlight();
    private long startNs = System.nanoTime();

    public Execsnoop(Options options) {
        this.options = options;
    }

    @Override
    protected ToolScript script() {
        return ToolScript.of(Execsnoop.class, "execsnoop").withStrlen(ARGSIZE);
    }

    @Override
    protected List<String> params(ToolTarget target) {
        return List.of(target.pidParam(), options.uid() == null ? "0" : "1",
                options.uid() == null ? "0" : Integer.toString(options.uid()), Integer.toString(options.maxArgs()));
    }

    /** The clock of -t/-T starts once every probe is attached (the header). */
    @Override
    protected void started(ToolSession session) {
        startNs = System.nanoTime();
    }

    /** The values path's view of a record for {@link #feed}. */
    private record ArgsFields(Args a) implements Fields<String> {
        @Override
        public long i(int index) {
            return a.i(index);
        }

        @Override
        public String s(int index) {
            return a.s(index);
        }

        @Override
        public String arg(int index) {
            return a.s(index);
        }

        @Override
        public String text(String arg) {
            return arg;
        }
    }

    @Override
    protected ExecEvent decode(int formatId, Args a) {
        char tag = Args.tag(a.format());
        if (!known(tag)) {
            throw new IllegalStateException("execsnoop.bt printed an unknown record: " + a.format());
        }
        Pending<String> p = feed(tag, new ArgsFields(a), pending);
        if (p == null) {
            return null;
        }
        // X pid tid uid ret comm ppid cgroup container
        int pid = (int) a.i(0);
        return new ExecEvent(LocalTime.now(), System.nanoTime() - startNs, pid, (int) a.i(5), (int) a.i(2), (int) a.i(3),
                a.s(4), p.args(), p.more()[0], Containers.name(a.i(6), a.s(7)));
    }

    /** Whether {@code tag} is one of the script's records: A, M or X. */
    private static boolean known(char tag) {
        return tag == 'A' || tag == 'M' || tag == 'X';
    }

    /**
     * The one state machine of both paths ({@link #decode}, {@link #lines}): a record of the script, in ring order,
     * fed to the execs in flight. "A tid index text" starts an exec (index 0, the file name) or adds an argument,
     * "M tid" marks it truncated, "X pid tid uid ret comm ppid cgroup container" ends it; returns the exec an X
     * record ends when it is shown (its enter was seen, and -x, -n and -l keep it), else null.
     */
    private <T> Pending<T> feed(char tag, Fields<T> f, Map<Integer, Pending<T>> inFlight) {
        switch (tag) {
            case 'A' -> {
                int tid = (int) f.i(0);
                if (f.i(1) == 0) {
                    inFlight.remove(tid);
                    inFlight.put(tid, new Pending<>(new ArrayList<>(), new boolean[1]));
                }
                Pending<T> p = inFlight.get(tid);
                if (p != null) {
                    p.args().add(f.arg(2));
                }
                return null;
            }
            case 'M' -> {
                Pending<T> p = inFlight.get((int) f.i(0));
                if (p != null) {
                    p.more()[0] = true;
                }
                return null;
            }
            case 'X' -> {
                Pending<T> p = inFlight.remove((int) f.i(1));
                if (p == null || ((int) f.i(3) < 0 && !options.failed())) {
                    return null; // enter not seen (tracing started during the exec), or a failure without -x
                }
                if (options.name() != null && !f.s(4).contains(options.name())) {
                    return null;
                }
                if (options.line() != null && p.args().stream().noneMatch(t -> f.text(t).contains(options.line()))) {
                    return null;
                }
                return p;
            }
            default -> throw new IllegalArgumentException("not a record of execsnoop.bt: " + tag + " (see known)");
        }
    }

    /**
     * An argument's text between execsnoop -q's quotes: libbpf-tools' execsnoop.c {@code quoted_symbol()} writes a
     * {@code "} as {@code \"}, a tab as {@code \t} and a newline as {@code \n}, every other byte as it is. Here the
     * pieces between those three are escaped with {@code safe} (the terminal escaping, which doubles a backslash and
     * writes other control characters as {@code \xNN}) and the three escapes are added after it, so they are not
     * escaped a second time: {@code d"e} is {@code d\"e} as libbpf-tools print it, not {@code d\\"e} (a user walk,
     * session 36, saw that; the old code escaped the quote first and {@code safe} then doubled its backslash).
     */
    public static String quoted(String arg, UnaryOperator<String> safe) {
        StringBuilder sb = new StringBuilder(arg.length() + 8);
        int from = 0;
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            String esc = c == '"' ? "\\\"" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : null;
            if (esc != null) {
                sb.append(safe.apply(arg.substring(from, i))).append(esc);
                from = i + 1;
            }
        }
        return sb.append(safe.apply(arg.substring(from))).toString();
    }

    /**
     * The optional columns of the text line (libbpf-tools' -T, -t, -U, -q and Boxscope's -C), in their order:
     * TIME, TIME(s), UID, CONTAINER, then PCOMM PID PPID RET ARGS.
     */
    public record Columns(boolean time, boolean timestamp, boolean uid, boolean container, boolean quote) {}

    /** The byte path's view of the record in hand for {@link #feed}: an argument as a copy of its bytes. */
    private static final class RecordFields implements Fields<byte[]> {
        private PrintfRecord r;

        @Override
        public long i(int index) {
            return r.i(index);
        }

        @Override
        public String s(int index) {
            return r.s(index);
        }

        @Override
        public byte[] arg(int index) {
            return Arrays.copyOfRange(r.bytes(), r.at(index), r.at(index) + r.length(index));
        }

        @Override
        public String text(byte[] arg) {
            return RawText.decode(arg); // as the values path decodes it
        }
    }

    /**
     * The text lines ({@code boxscope execsnoop > file}) written into {@code out} straight from the records: the
     * same bytes as decoding them into an {@link ExecEvent} and building the command's String line
     * ({@code ExecsnoopCommand.line}, escaped with {@code safe}), without the values and Strings of printable
     * ASCII names and arguments (docs/benchmarks.md, "Branch toolbytes"; {@code ToolBytesTest} compares the two).
     */
    public RecordLines lines(Columns columns, UnaryOperator<String> safe, TextBuffer out) {
        LineBytes w = new LineBytes(out, safe);
        Map<Integer, Pending<byte[]>> raw = inFlight();
        RecordFields fields = new RecordFields();
        return (formatId, r) -> {
            char tag = Args.tag(r.format());
            if (!known(tag)) {
                return false;
            }
            fields.r = r;
            Pending<byte[]> p = feed(tag, fields, raw);
            if (p != null) {
                line(r, p, columns, w);
            }
            return true;
        };
    }

    /** X pid tid uid ret comm ppid cgroup container: the line of {@link #decode} for the same record and exec. */
    private void line(PrintfRecord r, Pending<byte[]> p, Columns columns, LineBytes w) {
        int pid = (int) r.i(0);
        int ppid = (int) r.i(5);
        int ret = (int) r.i(3);
        if (columns.time()) {
            w.time().ch(' ');
        }
        if (columns.timestamp()) {
            w.text(String.format(Locale.ROOT, "%-8.3f", (System.nanoTime() - startNs) / 1e9));
        }
        if (columns.uid()) {
            w.left((int) r.i(2), 6);
        }
        if (columns.container()) {
            String c = Containers.name(r.i(6), r.s(7));
            w.left(c == null ? "-" : w.safe(c), 16).ch(' ');
        }
        w.safeLeft(r, 4, 16).ch(' ');
        w.left(pid, 6).ch(' ');
        w.left(ppid, 6).ch(' ');
        w.right(ret, 3).ch(' ');
        for (byte[] a : p.args()) {
            if (!columns.quote()) {
                w.safe(a, 0, a.length).ch(' ');
            } else if (LineBytes.plain(a, 0, a.length, true)) {
                w.ch('"').safe(a, 0, a.length).ch('"').ch(' ');
            } else {
                w.ch('"').text(quoted(RawText.decode(a), w::safe)).ch('"').ch(' ');
            }
        }
        if (p.more()[0]) {
            w.text(" ...");
        }
        w.end();
    }
}
