package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.boxscope.proc.HostPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * diagnose's files are one row per name, as sysdig's topfiles chisels key by fd.name: the lab's slow app appends to
 * one file from a new dd each turn, which listed the same path once per dd (seen in `./boxscope demo`).
 */
class FilesByPathTest {
    private static EbpfFindings.FileIo f(String path, int pid, int fd, long bytes, long ns, long syncs) {
        return new EbpfFindings.FileIo(path, pid, fd, bytes, ns, syncs, 1);
    }

    @Test
    void descriptorsOfOneFileAreSummedIntoOneRow() {
        List<EbpfFindings.FileIo> rows = Ebpf.byPath(List.of(
                f("/tmp/out", 101, 1, 10_240, 2_000, 0),
                f("pipe:[77]", 100, 3, 80, 7_000, 0),
                f("/tmp/out", 102, 1, 10_240, 5_000, 1),
                f("/tmp/out", 103, 1, 10_240, 1_000, 0),
                f("/var/log/x", 104, 4, 1_000_000, 0, 0),
                f("/var/log/y", 105, 4, 10, 0, 0)));
        assertEquals(List.of(
                new EbpfFindings.FileIo("/tmp/out", 102, 1, 30_720, 8_000, 1, 3),
                new EbpfFindings.FileIo("pipe:[77]", 100, 3, 80, 7_000, 0, 1),
                new EbpfFindings.FileIo("/var/log/x", 104, 4, 1_000_000, 0, 0, 1),
                new EbpfFindings.FileIo("/var/log/y", 105, 4, 10, 0, 0, 1)), rows);
    }

    @Test
    void closedDescriptorsWithoutANameStayApart() {
        String a = "(pid 7 fd 3, closed before the end of the window)";
        String b = "(pid 8 fd 3, closed before the end of the window)";
        assertEquals(2, Ebpf.byPath(List.of(f(a, 7, 3, 1, 1, 0), f(b, 8, 3, 1, 1, 0))).size());
    }

    /**
     * A name many files share is not merged: every eventfd is {@code anon_inode:[eventfd]} (one shared inode), and two
     * files whose walk was cut short can both read {@code .../dir/file}; each descriptor keeps its row, its own pid and
     * fd. They became one row with one pid/fd. The same descriptor's name seen twice is still one row.
     */
    @Test
    void namesManyFilesShareStayApart() {
        List<EbpfFindings.FileIo> rows = Ebpf.byPath(List.of(
                f("anon_inode:[eventfd]", 100, 5, 8, 3_000, 0),
                f("anon_inode:[eventfd]", 100, 6, 8, 2_000, 0),
                f(".../dir/file", 101, 3, 100, 1_000, 0),
                f(".../dir/file", 102, 3, 100, 500, 0),
                f("socket:[9]", 103, 4, 1, 400, 0),
                f("socket:[9]", 104, 4, 1, 300, 0)));
        assertEquals(List.of(
                new EbpfFindings.FileIo("anon_inode:[eventfd]", 100, 5, 8, 3_000, 0, 1),
                new EbpfFindings.FileIo("anon_inode:[eventfd]", 100, 6, 8, 2_000, 0, 1),
                new EbpfFindings.FileIo(".../dir/file", 101, 3, 100, 1_000, 0, 1),
                new EbpfFindings.FileIo("socket:[9]", 103, 4, 2, 700, 0, 2),
                new EbpfFindings.FileIo(".../dir/file", 102, 3, 100, 500, 0, 1)), rows);
    }

    /**
     * A file the kernel did not name is named from /proc/PID/fd/FD at the end only when that descriptor still holds the
     * file charged (the same inode number): one closed and reopened on another file since is described as closed, not
     * named after the file it holds now. A fixture /proc whose fd links point at two real files.
     */
    @Test
    void procNamesADescriptorOnlyWhileItHoldsTheFileCharged(@TempDir Path tmp) throws Exception {
        Path held = Files.writeString(tmp.resolve("held"), "x");
        Path other = Files.writeString(tmp.resolve("other"), "y");
        Path fd = Files.createDirectories(tmp.resolve("proc/42/fd"));
        Files.createSymbolicLink(fd.resolve("3"), held);
        HostPaths paths = new HostPaths(tmp.resolve("proc"), tmp.resolve("sys"));
        long heldIno = (Long) Files.getAttribute(held, "unix:ino");
        long otherIno = (Long) Files.getAttribute(other, "unix:ino");
        assertEquals(held.toString(), Ebpf.fdPath(paths, 42, 3, heldIno));
        assertEquals(Ebpf.closedName(42, 3), Ebpf.fdPath(paths, 42, 3, otherIno));
        assertEquals(held.toString(), Ebpf.fdPath(paths, 42, 3, 0), "inode unknown: named from /proc as before");
        assertEquals(Ebpf.closedName(42, 4), Ebpf.fdPath(paths, 42, 4, otherIno), "no such descriptor");
    }
}
