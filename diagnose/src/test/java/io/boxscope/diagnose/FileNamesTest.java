package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import io.boxscope.bpf.vfs.DentryWalk;
import io.boxscope.bpf.vfs.FdTable;
import org.junit.jupiter.api.Test;

/** A {@code dg_names} value read back, as the exit program writes it, and the offsets' cache text; hostile values too. */
class FileNamesTest {

    /** A value as the program leaves it: length, flags, the names leaf first, each with its NUL. */
    private static byte[] value(long flags, String... leafFirst) {
        ByteBuffer b = ByteBuffer.allocate(FileNames.SIZE).order(ByteOrder.nativeOrder());
        int len = 0;
        for (String n : leafFirst) {
            byte[] x = n.getBytes(StandardCharsets.UTF_8);
            b.put(FileNames.NAMES + len, x);
            len += x.length + 1;
        }
        return b.putLong(FileNames.LEN, len).putLong(FileNames.FLAGS, flags).array();
    }

    @Test
    void aWholeWalkIsTheAbsolutePath() {
        assertEquals("/var/log/app.log", FileNames.path(value(FileNames.COMPLETE, "app.log", "log", "var")));
        assertEquals("/", FileNames.path(value(FileNames.COMPLETE)));
    }

    @Test
    void anIncompleteWalkShowsTheEndItHas() {
        assertEquals(".../dir/file", FileNames.path(value(0, "file", "dir")));
        assertNull(FileNames.path(value(0)), "nothing walked: /proc names it");
    }

    @Test
    void aFileUnlinkedWhenNamedIsSaidDeletedAsProcSaysIt() {
        assertEquals("/tmp/x (deleted)", FileNames.path(value(FileNames.COMPLETE | FileNames.DELETED, "x", "tmp")));
        assertEquals(".../dir/file (deleted)", FileNames.path(value(FileNames.DELETED, "file", "dir")));
        assertNull(FileNames.path(value(FileNames.DELETED)), "nothing walked: /proc names it");
    }

    @Test
    void hostileValuesNameNothingOrWhatTheyHold() {
        byte[] v = value(FileNames.COMPLETE, "x");
        ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).putLong(FileNames.LEN, FileNames.ROOM + 1);
        assertNull(FileNames.path(v), "a length beyond the room");
        ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).putLong(FileNames.LEN, -1);
        assertNull(FileNames.path(v), "a negative length");
        assertNull(FileNames.path(new byte[3]), "a short value");
        assertNull(FileNames.path(null), "no value");
        // a name with control characters and invalid UTF-8 is kept as it is (escaped where rendered)
        byte[] w = value(FileNames.COMPLETE, "a\u001b[2Jb", "tmp");
        w[FileNames.NAMES + 1] = (byte) 0xff;
        String p = FileNames.path(w);
        assertTrue(p.startsWith("/tmp/a\ufffd[2Jb"), p);
        // a last name without its NUL (cut) is kept
        ByteBuffer.wrap(w).order(ByteOrder.nativeOrder()).putLong(FileNames.LEN, 3);
        assertEquals("/a\ufffd[", FileNames.path(w));
    }

    /** A pseudo file system's file as the program leaves it: inode number, magic, dentry name. */
    private static byte[] pseudo(long ino, long magic, String name) {
        ByteBuffer b = ByteBuffer.allocate(FileNames.SIZE).order(ByteOrder.nativeOrder());
        b.putLong(FileNames.NAMES, ino).putLong(FileNames.NAMES + 8, magic).put(FileNames.NAMES + 16, name.getBytes(StandardCharsets.UTF_8));
        return b.putLong(FileNames.FLAGS, FileNames.PSEUDO).array();
    }

    @Test
    void pipesSocketsAndAnonymousInodesAreNamedAsProcNamesThem() {
        assertEquals("pipe:[445775]", FileNames.path(pseudo(445775, FileNames.PIPEFS_MAGIC, "")));
        assertEquals("socket:[18446744073709551615]", FileNames.path(pseudo(-1, FileNames.SOCKFS_MAGIC, "TCP")));
        assertEquals("anon_inode:[eventfd]", FileNames.path(pseudo(3, FileNames.ANON_INODE_FS_MAGIC, "[eventfd]")));
        assertNull(FileNames.path(pseudo(3, 0x9fa0, "x")), "another file system (procfs): /proc names it");
    }

    @Test
    void theCachedOffsetsReadBackAsWritten() {
        FileNames n = new FileNames(new DentryWalk(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), new FdTable(12, 13, 14, 15),
                new FileNames.Pseudo(16, 17, 18, 19), 20);
        assertEquals(Optional.of(Optional.of(n)), FileNames.parse(n.format()));
        assertEquals(Optional.of(Optional.empty()), FileNames.parse("none\n"));
        for (String bad : new String[] {"", "1 2 3", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 x",
                "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 -1", "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 99999999999",
                "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19",
                "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21"}) {
            assertEquals(Optional.empty(), FileNames.parse(bad), bad);
        }
    }
}
