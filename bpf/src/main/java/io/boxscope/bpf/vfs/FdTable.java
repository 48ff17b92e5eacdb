package io.boxscope.bpf.vfs;

import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfException;

/**
 * The one emitter of the walk from the current task to the {@code struct file *} of a file descriptor, as the
 * kernel keeps its table (include/linux/fdtable.h): {@code current->files} (a {@code struct files_struct}),
 * its {@code fdt} (the {@code struct fdtable} in use), then {@code fdt->fd[fd]} for {@code fd < fdt->max_fds}
 * only; files_lookup_fd_raw checks the same bound, and reading past the array would name another file or
 * garbage. Every pointer is read with {@code bpf_probe_read_kernel} (bpf-helpers(7)); a failed read, a null
 * pointer, an fd beyond the table or a closed fd jumps to the caller's label. sysdig's driver walks the same
 * members (libs e5c53d64 driver/bpf/filler_helpers.h, bpf_fget). Used by trace (an event's socket, inode and path;
 * the fd of an I/O exit) and diagnose (the file a read or write is charged to, named by {@link DentryWalk}).
 *
 * @param taskFiles {@code task_struct.files}
 * @param filesFdt  {@code files_struct.fdt}
 * @param maxFds    {@code fdtable.max_fds} (an unsigned int)
 * @param fdArray   {@code fdtable.fd} (a {@code struct file **})
 */
public record FdTable(int taskFiles, int filesFdt, int maxFds, int fdArray) {

    /** The running kernel's offsets, from its BTF (never hard-coded); a BtfException when a member is missing. */
    public static FdTable of(Btf btf) throws BtfException {
        return new FdTable((int) btf.member("task_struct.files").byteOffset(), (int) btf.member("files_struct.fdt").byteOffset(),
                (int) btf.member("fdtable.max_fds").byteOffset(), (int) btf.member("fdtable.fd").byteOffset());
    }

    /**
     * Stack slot {@code src} (8 bytes) = the {@code struct file *} of the fd in stack slot {@code fd} (a u64; a
     * negative one is beyond the table, compared unsigned), left in R3 too; or a jump to {@code skip}. {@code tmp}
     * is a 4-byte stack slot for {@code max_fds}. Clobbers R0 to R5.
     */
    public void emit(Asm a, int src, int fd, int tmp, Label skip) {
        a.call(Helper.GET_CURRENT_TASK).stx(Size.DW, Reg.R10, src, Reg.R0);
        chase(a, src, taskFiles, skip);
        chase(a, src, filesFdt, skip);
        a.ldx(Size.DW, Reg.R3, Reg.R10, src).jmp(JmpOp.JEQ, Reg.R3, 0, skip).add(Reg.R3, maxFds)
                .mov(Reg.R1, Reg.R10).add(Reg.R1, tmp).movImm(Reg.R2, 4).call(Helper.PROBE_READ_KERNEL)
                .jmp(JmpOp.JNE, Reg.R0, 0, skip)
                .ldx(Size.W, Reg.R1, Reg.R10, tmp).ldx(Size.DW, Reg.R2, Reg.R10, fd)
                .jmp(JmpOp.JGE, Reg.R2, Reg.R1, skip); // fd >= fdt->max_fds: not in the table
        chase(a, src, fdArray, skip);
        a.ldx(Size.DW, Reg.R3, Reg.R10, src).jmp(JmpOp.JEQ, Reg.R3, 0, skip)
                .ldx(Size.DW, Reg.R1, Reg.R10, fd).lsh(Reg.R1, 3).add(Reg.R3, Reg.R1)
                .mov(Reg.R1, Reg.R10).add(Reg.R1, src).movImm(Reg.R2, 8).call(Helper.PROBE_READ_KERNEL)
                .jmp(JmpOp.JNE, Reg.R0, 0, skip)
                .ldx(Size.DW, Reg.R3, Reg.R10, src).jmp(JmpOp.JEQ, Reg.R3, 0, skip); // a closed fd
    }

    /**
     * Stack slot {@code src} = the pointer stored {@code off} bytes into what it points to (kernel memory), or a
     * jump to {@code skip} when it is null or the read fails. Clobbers R0 to R5.
     */
    public static void chase(Asm a, int src, int off, Label skip) {
        a.ldx(Size.DW, Reg.R3, Reg.R10, src).jmp(JmpOp.JEQ, Reg.R3, 0, skip).add(Reg.R3, off)
                .mov(Reg.R1, Reg.R10).add(Reg.R1, src).movImm(Reg.R2, 8).call(Helper.PROBE_READ_KERNEL)
                .jmp(JmpOp.JNE, Reg.R0, 0, skip);
    }
}
