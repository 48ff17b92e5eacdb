package io.boxscope.tools.oomkill;

import java.nio.file.Path;
import java.time.LocalTime;
import java.util.List;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.tools.core.Args;
import io.boxscope.tools.core.Containers;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.LoadAvg;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.core.ToolTarget;

/**
 * libbpf-tools' oomkill on the probe language ({@code oomkill.bt}): each OOM kill, with the process
 * that triggered it, the victim and the load average. libbpf-tools use a kprobe on
 * oom_kill_process(), which this kernel cannot attach; the oom:mark_victim tracepoint is hit in
 * __oom_kill_process() (mm/oom_kill.c) in the triggering task's context, so the trigger is known
 * (the current task), as with the kprobe. What differs:
 * <ul>
 * <li>"N pages": libbpf-tools print {@code oom_control.totalpages}, the size of the memory domain
 *     that ran out (RAM + swap, or the memory cgroup's limit); the tracepoint does not carry
 *     {@code struct oom_control}, so this tool prints the victim's resident pages (anon + file +
 *     shmem RSS from the tracepoint, in kB there, divided by the page size): what the kill frees.
 *     --json has each RSS part in kB and the virtual size.</li>
 * <li>A memory cgroup with memory.oom.group kills all its processes: libbpf-tools print one line
 *     (the chosen victim), this tool one per process killed, all naming the same trigger.</li>
 * <li>A task that is already exiting when it runs out of memory is marked a victim without a kill
 *     (out_of_memory()'s shortcut): it shows here, as its own trigger; libbpf-tools do not show it.</li>
 * </ul>
 */
public final class Oomkill extends EventTool<OomEvent> {
    private final Path procRoot;
    private final long pageKb;

    /** @param procRoot where /proc/loadavg is read ({@code --proc-root}) */
    public Oomkill(Path procRoot) {
        this.procRoot = procRoot;
        this.pageKb = Sys.pageSize() / 1024;
    }

    @Override
    protected ToolScript script() {
        return ToolScript.of(Oomkill.class, "oomkill");
    }

    @Override
    protected List<String> params(ToolTarget target) {
        return List.of(target.pidParam());
    }

    /** K trigger_pid trigger_comm victim_pid victim_comm total_vm anon_rss file_rss shmem_rss cgroup container */
    @Override
    protected OomEvent decode(int formatId, Args a) {
        if (!a.tag().equals("K")) {
            throw new IllegalStateException("oomkill.bt printed an unknown record: " + a.format());
        }
        long anon = a.i(5);
        long file = a.i(6);
        long shmem = a.i(7);
        return new OomEvent(LocalTime.now(), (int) a.i(0), a.s(1), (int) a.i(2), a.s(3), a.i(4), anon, file, shmem,
                (anon + file + shmem) / pageKb, LoadAvg.read(procRoot), Containers.name(a.i(8), a.s(9)));
    }
}
