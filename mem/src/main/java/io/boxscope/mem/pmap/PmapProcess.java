package io.boxscope.mem.pmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import io.boxscope.mem.smaps.Mapping;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.proc.ProcStat;

/**
 * What pmap needs to know of one process: its thread-group id, the command line it prints in the
 * first line, the stack start (to label "[ stack ]"), the SysV shm device minor (to label "[ shmid=0x.. ]")
 * (the device minor of SysV shm, -1 if none) and the mappings (from maps for the plain layout, from smaps for -x/-X/-XX).
 */
public record PmapProcess(int tgid, String command, long startStack, int shmMinor, List<Mapping> mappings) {
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
        String command = command(r.cmdline(tgid), stat.comm());
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

    /**
     * The first line's command, as procps shows it: the arguments joined by spaces, or
     * {@code [comm]} when the command line is empty (kernel threads, zombies); control characters and
     * invalid UTF-8 become '?'. {@code rawCmdline} is a byte string (one char per byte).
     */
    public static String command(String rawCmdline, String comm) {
        String s = rawCmdline;
        while (s.endsWith("\0")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
            return "[" + clean(comm) + "]";
        }
        return clean(s.replace('\0', ' '));
    }

    private static String clean(String byteString) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE).replaceWith("?");
        String text;
        try {
            CharBuffer cb = d.decode(ByteBuffer.wrap(byteString.getBytes(StandardCharsets.ISO_8859_1)));
            text = cb.toString();
        } catch (CharacterCodingException e) {
            text = byteString;
        }
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        return sb.toString();
    }
}
