package io.boxscope.trace.live;

import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfException;
import io.boxscope.bpf.vfs.FdTable;

/**
 * The walk from the current task to the {@code struct file *} of a file descriptor, bpf's {@link FdTable} (shared
 * with diagnose): {@code current->files->fdt->fd[fd]} for {@code fd < fdt->max_fds} only. Used by {@link
 * CaptureProbe} (an event's socket, inode and path) and {@link IoProbe} (the fd of an I/O exit).
 *
 * @param taskFiles {@code task_struct.files}
 * @param filesFdt  {@code files_struct.fdt}
 * @param maxFds    {@code fdtable.max_fds} (an unsigned int)
 * @param fdArray   {@code fdtable.fd} (a {@code struct file **})
 */
public record FdWalk(int taskFiles, int filesFdt, int maxFds, int fdArray) {

    /** The running kernel's offsets, from its BTF (never hard-coded). */
    static FdWalk of(Btf btf) throws BtfException {
        FdTable t = FdTable.of(btf);
        return new FdWalk(t.taskFiles(), t.filesFdt(), t.maxFds(), t.fdArray());
    }

    /** {@link FdTable#emit}: stack slot {@code src} = the {@code struct file *} of the fd in slot {@code fd}, or skip. */
    void emit(Asm a, int src, int fd, int tmp, Label skip) {
        new FdTable(taskFiles, filesFdt, maxFds, fdArray).emit(a, src, fd, tmp, skip);
    }

    /** {@link FdTable#chase}: stack slot {@code src} = the pointer {@code off} bytes into what it points to, or skip. */
    static void chase(Asm a, int src, int off, Label skip) {
        FdTable.chase(a, src, off, skip);
    }
}
