package io.boxscope.tools.execsnoop;

import java.io.IOException;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import io.boxscope.probe.output.TextBuffer;
import io.boxscope.probe.runtime.PrintfRecord;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.Procfs;
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
                throw new IllegalArgumentException("invalid UID " + uid);
            }
        }

        public static Options defaults() {
            return new Options(false, null, DEFAULT_MAX_ARGS, null, null);
        }
    }

    private record Pending(List<String> args, boolean[] more) {}

    private final Options options;
    private final Procfs procfs;
    private final Map<Integer, Pending> pending = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Pending> eldest) {
            return size() > PENDING;
        }
    };
    private long startNs = System.nanoTime();

    public Execsnoop(Options options, HostPaths paths) {
        this.options = options;
        this.procfs = new Procfs(paths);
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

    /** Seeds @ppid with the parent of every process running now (the script tracks new ones itself). */
    @Override
    protected void started(ToolSession session) {
        try {
            for (int pid : procfs.pids()) {
                try {
                    session.seed("@ppid", pid, procfs.stat(pid).ppid());
                } catch (IOException | RuntimeException e) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc listing: parents of processes older than tracing read at their exec instead
        }
        startNs = System.nanoTime();
    }

    @Override
    protected ExecEvent decode(int formatId, Args a) {
        return switch (a.tag()) {
            case "A" -> { // tid index text
                int tid = (int) a.i(0);
                if (a.i(1) == 0) {
                    pending.remove(tid);
                    pending.put(tid, new Pending(new ArrayList<>(), new boolean[1]));
                }
                Pending p = pending.get(tid);
                if (p != null) {
                    p.args().add(a.s(2));
                }
                yield null;
            }
            case "M" -> { // tid
                Pending p = pending.get((int) a.i(0));
                if (p != null) {
                    p.more()[0] = true;
                }
                yield null;
            }
            case "X" -> exit(a);
            default -> throw new IllegalStateException("execsnoop.bt printed an unknown record: " + a.format());
        };
    }

    /** X pid tid uid ret comm ppid cgroup container */
    private ExecEvent exit(Args a) {
        int pid = (int) a.i(0);
        Pending p = pending.remove((int) a.i(1));
        int ret = (int) a.i(3);
        if (p == null || (ret < 0 && !options.failed())) {
            return null; // enter not seen (tracing started during the exec), or a failure without -x
        }
        String comm = a.s(4);
        if (options.name() != null && !comm.contains(options.name())) {
            return null;
        }
        if (options.line() != null && p.args().stream().noneMatch(s -> s.contains(options.line()))) {
            return null;
        }
        int ppid = (int) a.i(5);
        if (ppid == 0) {
            ppid = parentFromProc(pid);
        }
        return new ExecEvent(LocalTime.now(), System.nanoTime() - startNs, pid, ppid, (int) a.i(2), ret, comm, p.args(),
                p.more()[0], Containers.name(a.i(6), a.s(7)));
    }

    /** A parent the script does not know (its map was full): from /proc (0 if the process already exited). */
    private int parentFromProc(int pid) {
        try {
            return procfs.stat(pid).ppid();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * The optional columns of the text line (libbpf-tools' -T, -t, -U, -q and Boxscope's -C), in their order:
     * TIME, TIME(s), UID, CONTAINER, then PCOMM PID PPID RET ARGS.
     */
    public record Columns(boolean time, boolean timestamp, boolean uid, boolean container, boolean quote) {}

    /** The arguments of an exec in flight, as their bytes in the records (the byte path's {@link Pending}). */
    private record RawPending(List<byte[]> args, boolean[] more) {}

    /**
     * The text lines ({@code boxscope execsnoop > file}) written into {@code out} straight from the records: the
     * same bytes as decoding them into an {@link ExecEvent} and building the command's String line
     * ({@code ExecsnoopCommand.line}, escaped with {@code safe}), without the values and Strings of printable
     * ASCII names and arguments (docs/benchmarks.md, "Branch toolbytes"; {@code ToolBytesTest} compares the two).
     */
    public RecordLines lines(Columns columns, UnaryOperator<String> safe, TextBuffer out) {
        LineBytes w = new LineBytes(out, safe);
        Map<Integer, RawPending> raw = new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, RawPending> eldest) {
                return size() > PENDING;
            }
        };
        return (formatId, r) -> {
            switch (io.boxscope.tools.core.Args.tag(r.format())) {
                case 'A' -> { // tid index text
                    int tid = (int) r.i(0);
                    if (r.i(1) == 0) {
                        raw.remove(tid);
                        raw.put(tid, new RawPending(new ArrayList<>(), new boolean[1]));
                    }
                    RawPending p = raw.get(tid);
                    if (p != null) {
                        p.args().add(java.util.Arrays.copyOfRange(r.bytes(), r.at(2), r.at(2) + r.length(2)));
                    }
                    return true;
                }
                case 'M' -> { // tid
                    RawPending p = raw.get((int) r.i(0));
                    if (p != null) {
                        p.more()[0] = true;
                    }
                    return true;
                }
                case 'X' -> {
                    exitLine(r, raw, columns, w);
                    return true;
                }
                default -> {
                    return false;
                }
            }
        };
    }

    /** X pid tid uid ret comm ppid cgroup container: the line of {@link #exit} for the same record. */
    private void exitLine(PrintfRecord r, Map<Integer, RawPending> raw, Columns columns, LineBytes w) {
        int pid = (int) r.i(0);
        RawPending p = raw.remove((int) r.i(1));
        int ret = (int) r.i(3);
        if (p == null || (ret < 0 && !options.failed())) {
            return;
        }
        if (options.name() != null && !r.s(4).contains(options.name())) {
            return;
        }
        if (options.line() != null && p.args().stream().noneMatch(
                b -> new String(b, java.nio.charset.StandardCharsets.UTF_8).contains(options.line()))) {
            return;
        }
        int ppid = (int) r.i(5);
        if (ppid == 0) {
            ppid = parentFromProc(pid);
        }
        if (columns.time()) {
            w.time().ch(' ');
        }
        if (columns.timestamp()) {
            w.text(String.format(java.util.Locale.ROOT, "%-8.3f", (System.nanoTime() - startNs) / 1e9));
        }
        if (columns.uid()) {
            w.left((int) r.i(2), 6);
        }
        if (columns.container()) {
            String c = io.boxscope.tools.core.Containers.name(r.i(6), r.s(7));
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
                String s = new String(a, java.nio.charset.StandardCharsets.UTF_8);
                w.ch('"').text(w.safe(s.replace("\"", "\\\"").replace("\t", "\\t").replace("\n", "\\n"))).ch('"').ch(' ');
            }
        }
        if (p.more()[0]) {
            w.text(" ...");
        }
        w.end();
    }
}
