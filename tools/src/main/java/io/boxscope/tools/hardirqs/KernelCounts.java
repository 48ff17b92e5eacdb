package io.boxscope.tools.hardirqs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.boxscope.proc.HostPaths;
import io.boxscope.proc.Interrupts;
import io.boxscope.proc.ProcParseException;
import io.boxscope.tools.hist.IntervalRun;

/**
 * The kernel's count of each handler's runs (/proc/interrupts) over a window inside each interval's, against
 * the runs in the interval's figures: a lower bound of the runs the programs did not see (docs/tools.md,
 * hardirqs). The kernel counts an event right before it runs the line's handlers (kernel/irq/chip.c
 * {@code handle_edge_irq}, {@code handle_fasteoi_irq}: {@code kstat_incr_irqs_this_cpu}, then
 * {@code handle_irq_event}), and every handler run fires irq_handler_entry and irq_handler_exit. The window
 * opens after the maps were read (after attaching, for the first interval) and closes before they are
 * read (before detaching, at the end), so every run the kernel counted in it ran while the programs were
 * attached and belongs to this interval's figures: {@code kernel delta - runs in the figures} can only be
 * runs the programs missed, or a handler still running when the window closed (at most one per CPU: its
 * entry seen, its exit not yet when the figures were read, or at the end detached before it ran, seen in CI
 * on a stop right after the header). Those are counted by the caller from the script's per-CPU start times
 * and passed to {@link #check} as in flight, so the report says only the runs the programs surely missed.
 *
 * <p>Not stateless: one per run, called on the run's thread ({@link IntervalRun.Window}).
 */
final class KernelCounts implements IntervalRun.Window {
    /** libbpf-tools and the script read 31 characters of a name: a longer one is cut, and not compared. */
    static final int NAME_MAX = 31;

    private final HostPaths paths;
    private Interrupts start;
    private Interrupts end;
    private String error;
    private boolean said;

    KernelCounts(HostPaths paths) {
        this.paths = paths;
    }

    @Override
    public void opened() {
        start = read();
        end = null;
    }

    @Override
    public void closing() {
        end = read();
    }

    private Interrupts read() {
        try {
            return Interrupts.read(paths);
        } catch (IOException | ProcParseException e) {
            // shown with the report (Hardirqs.KernelCheck.Unreadable), not lost
            String why = switch (e) {
                case NoSuchFileException n -> "no such file (is --proc-root the host's /proc?)";
                case AccessDeniedException a -> "permission denied";
                default -> e.getMessage();
            };
            error = paths.procRoot().resolve("interrupts") + ": " + why;
            return null;
        }
    }

    /**
     * The window just closed against the interval's runs per handler name (the figures'), with {@code inFlight}
     * handler runs entered and not exited when the figures were read ({@link Hardirqs.KernelCheck.Checked#inFlight}).
     */
    Hardirqs.KernelCheck check(Map<String, Long> seen, long inFlight) {
        if (start == null || end == null) {
            String why = error != null ? error : "not read";
            boolean first = !said;
            said = true;
            return new Hardirqs.KernelCheck.Unreadable(why, first);
        }
        Hardirqs.KernelCheck.Checked c = compare(start, end, seen);
        return new Hardirqs.KernelCheck.Checked(c.unseen(), c.notChecked(), inFlight);
    }

    /**
     * Per handler, the kernel's runs from {@code start} to {@code end} beyond the runs {@code seen} (by name).
     * Compared: names that are the only handler of their lines in both reads, at most {@link #NAME_MAX}
     * printable ASCII characters (the names the script keys on exactly), and whose count did not go down (a
     * line freed and requested again); every other name is counted as not checked.
     */
    static Hardirqs.KernelCheck.Checked compare(Interrupts start, Interrupts end, Map<String, Long> seen) {
        Map<String, Long> before = start.singleHandlers();
        Set<String> sharedBefore = start.shared();
        Set<String> sharedAfter = end.shared();
        List<Hardirqs.Unseen> unseen = new ArrayList<>();
        int notChecked = sharedAfter.size();
        for (Map.Entry<String, Long> e : end.singleHandlers().entrySet()) {
            String name = e.getKey();
            Long b = before.get(name);
            if (b == null || sharedBefore.contains(name) || !comparable(name) || e.getValue() < b) {
                notChecked++;
                continue;
            }
            long missed = e.getValue() - b - seen.getOrDefault(name, 0L);
            if (missed > 0) {
                unseen.add(new Hardirqs.Unseen(name, missed));
            }
        }
        return new Hardirqs.KernelCheck.Checked(unseen, notChecked);
    }

    private static boolean comparable(String name) {
        if (name.isEmpty() || name.length() > NAME_MAX) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
