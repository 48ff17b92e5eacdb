package io.boxscope.trace.chisel;

import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;
import io.boxscope.trace.scap.Inspector;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * list_login_shells: the login shell id (libsinsp's proc.loginshellid: the pid of the oldest process, from
 * the event's process up through its parents, whose argv[0] ends in {@code sh}) of execve exits, as sysdig
 * 0.29's {@code list_login_shells.lua} prints it at the end: {@code All shells:} (or {@code Shells
 * containing CMD:}), then the id of the LAST matching execve once per field its Lua table holds (id,
 * container name, container id: three times), nothing when none matched; {@code -pc} adds the container
 * name and id to each line. Arguments, both optional: a text the new program's argv[0] must contain
 * ({@code *} for any) and one its arguments must contain; the Lua finds them as Lua patterns, Boxscope as
 * plain text (the same for text without {@code ^$()%.[]*+-?}).
 */
final class ListLoginShells extends StreamChisel {
    private static final OutputField EXE = OutputField.parse("evt.arg.exe");
    private static final OutputField EVT_ARGS = OutputField.parse("evt.arg.args");

    private final String command;
    private final String arguments;
    private final boolean container;
    private Long sid;
    private String containerName;
    private String containerId;

    ListLoginShells(ChiselInfo info, List<String> args, boolean container) {
        super(info, "evt.type=execve");
        this.command = args.isEmpty() || args.get(0).equals("*") ? null : args.get(0);
        this.arguments = args.size() > 1 ? args.get(1) : null;
        this.container = container;
    }

    /** proc.loginshellid (filterchecks.cpp, TYPE_LOGINSHELLID): walks the main thread's parents; null without a shell. */
    static Long loginShellId(Inspector inspector, long tid) {
        Inspector.Thread t = inspector.thread(tid);
        Inspector.Thread mt = t == null ? null : inspector.thread(t.pid());
        if (mt == null) {
            return null;
        }
        Long res = null;
        Set<Long> visited = new HashSet<>();
        for (Inspector.Thread p = mt; p != null && visited.add(p.tid()); p = p.ptid() < 0 ? null : inspector.thread(p.ptid())) {
            String exe = p.exe();
            if (exe != null && exe.length() > 2 && exe.endsWith("sh")) {
                res = p.pid();
            }
        }
        return res;
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        Long id = loginShellId(e.fields().inspector(), e.event().tid());
        String exe = e.text(EXE);
        if (id == null || exe == null) {
            return;
        }
        String args = e.text(EVT_ARGS);
        if (command != null && !exe.contains(command) || arguments != null && args != null && !args.contains(arguments)) {
            return;
        }
        sid = id;
        containerName = e.text(CONTAINER);
        containerId = e.text(CONTAINER_ID);
    }

    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        out.accept(command != null ? "Shells containing " + command + ":" : "All shells:");
        if (sid == null) {
            return;
        }
        // the Lua prints its table's one entry once per non-nil field of it
        int fields = 1 + (containerName != null ? 1 : 0) + (containerId != null ? 1 : 0);
        for (int i = 0; i < fields; i++) {
            out.accept(container ? sid + " " + containerName + " " + containerId : Long.toString(sid));
        }
    }
}
