package io.boxscope.tools.execsnoop;

import java.io.IOException;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.Procfs;
import io.boxscope.tools.core.Args;
import io.boxscope.tools.core.Containers;
import io.boxscope.tools.core.EventTool;
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
}
