package io.boxscope.mem.pmap;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import io.boxscope.mem.smaps.Mapping;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.proc.ProcStat;

/**
 * What pmap needs to know of one process: its thread-group id, its command line, name and state
 * (the first line: see {@link CommandLine}), the stack start (to label "[ stack ]"), the SysV shm
 * device minor (to label "[ shmid=0x.. ]"; -1 if none) and the mappings (from maps for the plain
 * layout and -d, from smaps for -x/-X/-XX).
 */
public record PmapProcess(int tgid, CommandLine command, long startStack, int shmMinor, List<Mapping> mappings) {
    public PmapProcess {
        mappings = List.copyOf(mappings);
    }

    /**
     * Reads what pmap reads for {@code pid}: maps for the plain layout, smaps otherwise. A thread id
     * is resolved to its process (pmap prints the thread group).
     */
    public static PmapProcess read(ProcMemReader r, int pid, PmapOptions.Mode mode) throws IOException {
        int tgid = r.status(pid).tgid();
        if (tgid <= 0) {
            tgid = pid;
        }
        ProcStat stat = r.stat(tgid);
        CommandLine command = new CommandLine(r.cmdline(tgid), stat.comm(), stat.state());
        long startStack = stat.startStack();
        List<Mapping> ms = mode == PmapOptions.Mode.MAPS || mode == PmapOptions.Mode.DEVICE ? r.maps(tgid) : r.smaps(tgid);
        return new PmapProcess(tgid, command, startStack, shmMinor(r, ms), ms);
    }

    /**
     * The device minor of the kernel's internal SysV shm filesystem, as seen in these mappings, or -1.
     * procps finds it by attaching a segment of its own; we recognise a segment instead: device major
     * 0 and either an inode listed in /proc/sysvipc/shm, or the exact name the kernel gives segments,
     * {@code /SYSV<8 hex digits> (deleted)} (segments already marked for removal are no longer
     * listed). A tmpfs file would need that exact name at the root of its mount, and be deleted, to be
     * mistaken for one.
     */
    public static int shmMinor(ProcMemReader r, List<Mapping> ms) {
        Set<Long> inodes = null;
        for (Mapping m : ms) {
            if (m.nameLength() < 5 || m.deviceMajor() != 0 || !Pmap.sysv(m, 0)) {
                continue; // looked for in the name's bytes: no String for each of 10,000 mappings
            }
            if (SYSV_NAME.matcher(m.name()).matches()) {
                return m.deviceMinor();
            }
            if (inodes == null) {
                inodes = r.sysvShmInodes();
            }
            if (inodes.contains(m.inodeNumber())) {
                return m.deviceMinor();
            }
        }
        return -1;
    }

    private static final Pattern SYSV_NAME = Pattern.compile("/SYSV[0-9a-f]{8} \\(deleted\\)");
}
