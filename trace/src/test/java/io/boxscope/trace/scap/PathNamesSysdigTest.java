package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import io.boxscope.trace.filter.FieldRef;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths named the way sysdig 0.29 names them (libs e5c53d64: parse_dirfd, concatenate_paths,
 * get_base_dir), quirks included, line for line against {@code sysdig -r}: a directory fd named {@code /}
 * makes {@code //tmp} (parse_dirfd always adds a {@code /}); a directory fd the tables do not hold names the
 * new fd {@code <UNKNOWN>name} and resolves the printed path against nothing; an empty path names the
 * directory itself; {@code ..} and {@code .} are folded, a trailing {@code /} dropped, non-ASCII bytes
 * printed as dots in the resolved path and left out of the path printed before it ({@code name=caf(/root/caf..)}). A 2,000,000-event capture of find(1) printed 32% of its lines differently before
 * (find walks trees with openat on directory fds).
 */
class PathNamesSysdigTest {
    private static final int RDONLY_DIRECTORY = 1 | (1 << 10); // PPM_O_RDONLY | PPM_O_DIRECTORY
    /**
     * bash's tid, above PID_MAX_LIMIT: sysdig -r names the undescribed dirfd 9 from the reading machine's
     * /proc/TID/fd/9, so with tid 4000 its expected line named another process's fd whenever a pid 4000 ran here.
     */
    private static final long TID = 4_194_304L + 4000;

    @TempDir
    Path dir;

    @Test
    void openatNamesAsSysdigDoes() throws Exception {
        Path p = dir.resolve("paths.scap");
        long[] ts = {Fixtures.T0};
        try (ScapWriter w = ScapWriter.create(p, Fixtures.tables(TID), false)) {
            // bash (cwd /root/, fd 255 = /root) opens / as fd 5, then walks below it
            openat(w, ts, -100, "/", 5);
            openat(w, ts, 5, "tmp", 6);            // //tmp
            openat(w, ts, 6, "..", 7);             // //tmp/.. -> /
            openat(w, ts, 6, "", 8);               // //tmp itself
            openat(w, ts, 9, "identity", 10);      // fd 9 unknown: <UNKNOWN>identity
            openat(w, ts, 10, "sync", 11);         // below it: <UNKNOWN>identity/sync
            openat(w, ts, 255, "a/./b/../c/", 12); // /root/a/c
            openat(w, ts, -100, "../etc//x", 13);  // against the cwd: /etc/x
            openat(w, ts, 255, "caf\u00e9", 14);   // two bytes past ASCII: /root/caf..
            openat(w, ts, 255, "/abs/./p", 15);    // absolute: the directory is not used
            for (long fd = 5; fd <= 15; fd++) {
                close(w, ts, fd);
            }
        }
        String all = ourLines(p);
        assertTrue(all.contains("fd=6(<d>//tmp)"), all);
        assertTrue(all.contains("fd=10(<d><UNKNOWN>identity)"), all);
        assertEquals(String.join("\n", Sysdig.run("-r", p.toString())), all);
    }

    /**
     * Printed paths below directory fds as find(1) makes them: openat calls alternating between two directory fds,
     * one of them closed and its number reused for another directory, names with bytes past ASCII and a control
     * byte. ScapPaths keeps its last directory-name answer: a stale one would print the closed directory's name.
     */
    @Test
    void alternatingAndReusedDirectoryFdsAsSysdigDoes() throws Exception {
        Path p = dir.resolve("dirfds.scap");
        long[] ts = {Fixtures.T0};
        try (ScapWriter w = ScapWriter.create(p, Fixtures.tables(TID), false)) {
            openat(w, ts, -100, "/", 5);
            openat(w, ts, 255, "caf\u00e9", 14);   // /root/caf..
            openat(w, ts, 14, "x", 20);
            openat(w, ts, 5, "tmp", 21);
            openat(w, ts, 14, "y", 22);
            openat(w, ts, 14, "z\u001b", 23);       // a control byte in the opened name
            openat(w, ts, 5, "etc", 24);
            close(w, ts, 14);
            openat(w, ts, 255, "other", 14);        // the number reused: /root/other
            openat(w, ts, 14, "w", 25);
            openat(w, ts, 5, "var", 26);
            openat(w, ts, 14, "v", 27);
        }
        String all = ourLines(p);
        assertTrue(all.contains("(/root/other/w)"), all);
        assertEquals(String.join("\n", Sysdig.run("-r", p.toString())), all);
    }

    /**
     * A failed openat of an absolute path: sysdig names the fd (fd.name, fd.directory, fd.containername,
     * fd.containerdirectory) from the name cleaned by concatenate_paths, a final {@code /} dropped and {@code ..}
     * folded; Boxscope printed the raw argument (424 lines of a 219,844-event capture of a JVM start differed).
     */
    @Test
    void failedOpenOfAnAbsolutePathIsNamedCleanedAsSysdigDoes() throws Exception {
        Path p = dir.resolve("failed.scap");
        long[] ts = {Fixtures.T0};
        try (ScapWriter w = ScapWriter.create(p, Fixtures.tables(TID), false)) {
            failedOpenat(w, ts, -100, "/usr/share/sysdig/plugins/");
            failedOpenat(w, ts, -100, "/usr/lib/jvm/bin/../lib/tls/libjli.so");
            failedOpenat(w, ts, 255, "/a/./b//c");
            failedOpenat(w, ts, -100, "rel/../x/");
        }
        // "*": sysdig prints a line whose fields have no value (fd.filename of a failed call) only so
        String format = "*%evt.num %fd.name|%fd.directory|%fd.filename|%fd.containername|%fd.containerdirectory";
        List<String> theirs = Sysdig.run("-r", p.toString(), "-p", format, "evt.type=openat and evt.dir=<");
        ScapCapture c = ScapReader.readAll(p);
        Inspector insp = new Inspector(c.tables());
        EventFormatter fmt = new EventFormatter(insp, ZoneId.of("UTC"));
        List<String> ours = new ArrayList<>();
        for (ScapEvent e : c.events()) {
            if (fmt.next(e) == null || !EventFormatter.typeName(e).equals("openat") || e.infoOrNull().isEnter()) {
                continue;
            }
            ScapFields f = new ScapFields(fmt, insp, e);
            StringBuilder line = new StringBuilder().append(fmt.num());
            String sep = " ";
            for (String name : List.of("fd.name", "fd.directory", "fd.filename", "fd.containername",
                    "fd.containerdirectory")) {
                FieldRef ref = ScapFieldsSysdigTest.ref(name);
                line.append(sep).append(ScapFieldsSysdigTest.printed(ref, f.get(ref)));
                sep = "|";
            }
            ours.add(line.toString());
        }
        assertTrue(String.join("\n", ours).contains(" /usr/share/sysdig/plugins|"), String.join("\n", ours));
        assertEquals(theirs, ours);
    }

    private static void failedOpenat(ScapWriter w, long[] ts, long dirfd, String name) throws Exception {
        w.write(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts[0] += 1000, TID, 0).num(dirfd).str(name)
                .num(RDONLY_DIRECTORY).num(0).build());
        w.write(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts[0] += 1000, TID, 0).num(-2).num(dirfd).str(name)
                .num(RDONLY_DIRECTORY).num(0).num(0).build());
    }

    /** What our reader prints for the capture {@code p}, one string (sysdig -r's lines must equal it). */
    private static String ourLines(Path p) throws Exception {
        return String.join("\n", SysdigParityTest.ourLines(ScapReader.readAll(p)));
    }

    private static void close(ScapWriter w, long[] ts, long fd) throws Exception {
        w.write(ScapEvent.builder("PPME_SYSCALL_CLOSE_E", ts[0] += 1000, TID, 0).num(fd).build());
        w.write(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ts[0] += 1000, TID, 0).num(0).build());
    }

    private static void openat(ScapWriter w, long[] ts, long dirfd, String name, long fd) throws Exception {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        w.write(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts[0] += 1000, TID, 0).num(dirfd).str(new String(n,
                StandardCharsets.UTF_8)).num(RDONLY_DIRECTORY).num(0).build());
        w.write(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts[0] += 1000, TID, 0).num(fd).num(dirfd).str(name)
                .num(RDONLY_DIRECTORY).num(0).num(0x801).build());
    }
}
