package io.boxscope.tools.exitsnoop;

import java.time.LocalTime;
import java.util.List;
import io.boxscope.tools.core.Args;
import io.boxscope.tools.core.Containers;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.core.ToolTarget;

/**
 * libbpf-tools' exitsnoop on the probe language ({@code exitsnoop.bt}): every process exit (every
 * thread's with -T), its age, exit code or fatal signal. The script learns the status from exit() /
 * exit_group() and from signals delivered with a fatal default action, and birth and parent from
 * {@code task->start_time} and {@code task->real_parent->tgid} at its exit, as libbpf-tools reads them
 * (a task_newtask map of births, used until 2026-12-05, held the same clock a few microseconds later).
 *
 * <p>Nothing is read from /proc (until 2026-12-05 parents and starts were seeded from it after the
 * header): the script reads {@code curtask} members, so no kernel runs it without BTF, and a start read
 * there is never 0; and a parent read from /proc when tracing starts is stale for a
 * process reparented since, where libbpf-tools prints the parent at exit.
 *
 * <p>Differences from libbpf-tools (which reads task_struct): "core dumped" is never printed, and a process killed by
 * a signal it did not receive itself (a thread of it did) still shows that signal.
 */
public final class Exitsnoop extends EventTool<ExitEvent> {
    /**
     * @param threaded report every thread's exit (-T), not only processes'
     * @param failed   only exits with a non-zero code or a signal (-x)
     */
    public record Options(boolean threaded, boolean failed) {}

    private final Options options;

    public Exitsnoop(Options options) {
        this.options = options;
    }

    @Override
    protected ToolScript script() {
        return ToolScript.of(Exitsnoop.class, "exitsnoop");
    }

    @Override
    protected List<String> params(ToolTarget target) {
        return List.of(target.pidParam(), options.threaded() ? "1" : "0", options.failed() ? "1" : "0");
    }

    /** E pid tid ppid born_ns exit_ns code sig comm cgroup container */
    @Override
    protected ExitEvent decode(int formatId, Args a) {
        if (!a.tag().equals("E")) {
            throw new IllegalStateException("exitsnoop.bt printed an unknown record: " + a.format());
        }
        int pid = (int) a.i(0);
        int tid = (int) a.i(1);
        long born = a.i(3);
        long exit = a.i(4);
        long code = a.i(5);
        int sig = (int) a.i(6);
        return new ExitEvent(LocalTime.now(), pid, (int) a.i(2), tid, Math.max(0, exit - born), code == 0 ? 0 : (int) code - 1, sig,
                code != 0 || sig != 0, a.s(7), Containers.name(a.i(8), a.s(9)));
    }
}
