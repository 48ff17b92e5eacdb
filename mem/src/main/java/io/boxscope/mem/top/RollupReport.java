package io.boxscope.mem.top;

import java.io.IOException;
import java.util.Locale;
import io.boxscope.mem.Units;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.smaps.ProcStatus;
import io.boxscope.mem.smaps.Rollup;

/**
 * {@code boxscope mem rollup}: one process's smaps_rollup (or the sum of its smaps) with its status
 * lines, its command line, and one sentence relating RSS, PSS and USS.
 *
 * @param command the command line as smem shows it, or "[comm]" for kernel threads and zombies
 */
public record RollupReport(int pid, String name, String command, Rollup rollup, ProcStatus status, String explanation) {
    /** Reads process {@code pid}. */
    public static RollupReport read(ProcMemReader r, int pid) throws IOException {
        Rollup rollup = r.rollupOrSum(pid);
        ProcStatus st = r.status(pid);
        String name = r.comm(pid);
        String command = MemTop.commandLine(r.cmdline(pid));
        if (command.isEmpty()) {
            command = "[" + name + "]";
        }
        return new RollupReport(pid, name, command, rollup, st, sentence(rollup));
    }

    /** The one sentence: how RSS, PSS and USS relate for this process. */
    public static String sentence(Rollup r) {
        long shared = r.sharedRss();
        long pssOfShared = Math.max(0, r.pss() - r.uss());
        if (r.rss() == 0) {
            return "This process has no resident memory (a kernel thread, or everything is swapped out).";
        }
        if (shared == 0) {
            return String.format(Locale.ROOT, "Nothing resident is shared with other processes, so RSS, PSS and USS are all %s.", Units.kb(r.rss()));
        }
        // PSS charges a page mapped n times 1/n of its size (n counts mappings: usually one per
        // process), so shared / (its PSS) is the size-weighted harmonic mean of n.
        String sharers = pssOfShared == 0 ? "" : String.format(Locale.ROOT, ", each mapped %.1f times on average", (double) shared / pssOfShared);
        return String.format(Locale.ROOT, "RSS counts %s of pages shared with other processes (libraries, shared memory)%s; PSS charges it %s of them "
                + "(its share), so PSS is %s; USS, %s, is what it alone holds and what exiting would free.",
                Units.kb(shared), sharers, Units.kb(pssOfShared), Units.kb(r.pss()), Units.kb(r.uss()));
    }
}
