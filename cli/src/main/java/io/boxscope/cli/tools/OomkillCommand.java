package io.boxscope.cli.tools;

import java.time.format.DateTimeFormatter;
import java.util.Map;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.core.EventTool;
import io.boxscope.tools.core.ToolTarget;
import io.boxscope.tools.oomkill.OomEvent;
import io.boxscope.tools.oomkill.Oomkill;

/**
 * {@code boxscope oomkill}: libbpf-tools' oomkill line for each OOM kill, on the oom:mark_victim
 * tracepoint instead of a kprobe, plus -p (trigger or victim), --container (the trigger's), -C and
 * --json. "N pages" is the victim's resident pages here, not the memory domain's size
 * ({@link Oomkill} says why).
 */
public final class OomkillCommand extends ToolCommand<OomEvent> {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    public OomkillCommand() {
        super("oomkill", "-C", "Trace OOM kills (libbpf-tools oomkill, on the oom:mark_victim tracepoint: no kprobes",
                "needed; N pages is the victim's resident size). Needs root (CAP_BPF + CAP_PERFMON).");
        examples("  boxscope oomkill               trace OOM kills",
                "  boxscope oomkill -p 1216       only kills triggered by or of PID 1216",
                "  boxscope oomkill --container web -C",
                "  boxscope oomkill --json | jq -c '[.victim_pid, .victim_comm, .anon_rss_kb]'");
    }

    @Override
    protected EventTool<OomEvent> tool(ToolTarget target) {
        return new Oomkill(global().paths().procRoot());
    }

    @Override
    protected String header(ToolTarget target) {
        return "Tracing OOM kills... Ctrl-C to stop." + System.lineSeparator();
    }

    @Override
    protected Map<String, Object> json(OomEvent e) {
        Map<String, Object> o = Json.object();
        o.put("time", e.time().format(HMS));
        o.put("container", e.container());
        o.put("trigger_pid", e.triggerPid());
        o.put("trigger_comm", e.triggerComm());
        o.put("victim_pid", e.victimPid());
        o.put("victim_comm", e.victimComm());
        o.put("rss_pages", e.pages());
        o.put("total_vm_kb", e.totalVmKb());
        o.put("anon_rss_kb", e.anonRssKb());
        o.put("file_rss_kb", e.fileRssKb());
        o.put("shmem_rss_kb", e.shmemRssKb());
        o.put("loadavg", e.loadavg());
        return o;
    }

    /** libbpf-tools oomkill's handle_event line (without "loadavg: ..." when /proc/loadavg cannot be read). */
    @Override
    protected String line(OomEvent e) {
        // "%s Triggered by PID %d (\"%s\"), OOM kill of PID %d (\"%s\"), %d pages" without String.format
        StringBuilder sb = new StringBuilder(160);
        if (containerColumn()) {
            sb.append(containerCell(e.container()));
        }
        sb.append(e.time().format(HMS)).append(" Triggered by PID ").append(e.triggerPid()).append(" (\"")
                .append(escaped(e.triggerComm())).append("\"), OOM kill of PID ").append(e.victimPid()).append(" (\"")
                .append(escaped(e.victimComm())).append("\"), ").append(e.pages()).append(" pages");
        if (e.loadavg() != null) {
            sb.append(", loadavg: ").append(e.loadavg());
        }
        return sb.append(System.lineSeparator()).toString();
    }
}
