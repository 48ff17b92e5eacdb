package io.boxscope.trace.chisel;

import io.boxscope.trace.filter.Value;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * spy_users: the commands users run from a shell and the directories shells change to, as sysdig 0.29's
 * chisel prints them: {@code SHELLPID HH:MM:SS USER) EXE ARGS} and {@code SHELLPID HH:MM:SS USER) cd DIR},
 * indented by depth below the first shell ({@code -pc}: {@code USER@CONTAINER}, blue in a container, green
 * on the host). Which processes count follows the chisel's process tree: the first time a parent (for cd,
 * the shell itself) is seen, its ancestors are searched up to 16 levels for names ending in {@code sh}, the
 * last one found being the shell it descends from; processes under no shell print nothing.
 *
 * <p>The chisel shifts its list of ancestor fields by one at every cd it sees ({@code table.insert(fanames, 0,
 * 0)}), so after k directory changes a search starts k levels lower; that is kept, and a level the shift
 * leaves without a field ends the search.
 */
final class SpyUsers extends StreamChisel {
    private static final int MAX_ANCESTORS = 16;
    private static final OutputField EXE = OutputField.parse("proc.exe");
    private static final OutputField PATH = OutputField.parse("evt.arg.path");
    private static final OutputField USER = OutputField.parse("user.name");
    private static final OutputField PPID = OutputField.parse("proc.ppid");
    private static final OutputField[] ANAME = new OutputField[MAX_ANCESTORS + 1];
    private static final OutputField[] APID = new OutputField[MAX_ANCESTORS + 1];

    static {
        for (int j = 0; j <= MAX_ANCESTORS; j++) {
            ANAME[j] = OutputField.parse("proc.aname[" + j + "]");
            APID[j] = OutputField.parse("proc.apid[" + j + "]");
        }
    }

    /** A process's depth below its shell and that shell's pid (the chisel's process_tree). */
    private record Node(long depth, long shell) {}

    private final boolean container;
    private final boolean color;
    private final long maxDepth;
    private final Map<Long, Node> tree = new HashMap<>();
    private int shifts;

    SpyUsers(ChiselInfo info, List<String> args, boolean container) {
        super(info, "((evt.type=execve and evt.dir=<) or (evt.type=chdir and evt.dir=< and proc.name contains sh "
                + "and not proc.name contains sshd)) and evt.failed=false");
        this.container = container;
        try {
            this.maxDepth = args.isEmpty() ? -1 : Long.parseLong(args.get(0));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("chisel spy_users: max_depth must be a number, not " + args.get(0), e);
        }
        this.color = !(args.size() > 1 && args.get(1).equals("disable_color"));
    }

    private static Long num(EventView e, OutputField f) {
        return e.value(f) instanceof Value.Num n ? n.value() : null;
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        boolean cd = "chdir".equals(e.text(TYPE));
        Long pid = num(e, PID);
        Long ppid = cd ? pid : num(e, PPID);
        if (pid == null || ppid == null) {
            return;
        }
        int icorr = 1;
        if (cd) {
            shifts++;
            icorr = 0;
        }
        if (!tree.containsKey(ppid)) {
            tree.put(ppid, new Node(-1, 0));
            for (int j = 1; j <= MAX_ANCESTORS; j++) {
                int level = j - shifts;
                if (level < 0) {
                    break;
                }
                String aname = e.text(ANAME[level]);
                Long apid = num(e, APID[level]);
                if (aname == null) {
                    if (apid == null) {
                        break;
                    }
                } else if (aname.length() >= 2 && aname.endsWith("sh") && apid != null) {
                    tree.put(ppid, new Node(tree.containsKey(apid) ? j - 1 : 0, apid));
                }
            }
        }
        Node parent = tree.get(ppid);
        if (parent.depth() == -1) {
            return;
        }
        tree.putIfAbsent(pid, new Node(1 + parent.depth(), parent.shell()));
        Node me = tree.get(pid);
        long depth = me.depth() - icorr;
        if (maxDepth != -1 && depth > maxDepth) {
            return;
        }
        String user = e.text(USER) == null ? "<NA>" : e.text(USER);
        String cn = e.text(CONTAINER);
        String c = container ? sgr(color, "host".equals(cn) ? GREEN : BLUE) : "";
        String indent = Units.extend("", (int) ((cd || container ? 4 : 3) * depth));
        String who = me.shell() + " " + e.text(TIME_S) + " " + user + (container ? "@" + cn : "") + ") ";
        out.accept(c + indent + who + (cd ? "cd " + e.text(PATH) : e.text(EXE) + " " + text(e, ARGS, "")));
    }


    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        out.accept(sgr(color, RESET));
    }
}
