package io.boxscope.trace.live;

import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfException;
import io.boxscope.bpf.btf.BtfType;

/**
 * Byte offsets of the kernel structures {@link CaptureProbe} walks from a file descriptor to what a
 * syscall tracer cannot see in user memory, from the running kernel's BTF (never hard-coded): the
 * task's fd table ({@code task_struct.files → files_struct.fdt → fdtable.fd[fd]}, a {@code struct file *}, for
 * {@code fd < fdtable.max_fds}: include/linux/fdtable.h, files_lookup_fd_raw),
 * a socket's endpoints and accept queue ({@code file.private_data} is the {@code struct socket} of a
 * socket file, include/linux/net.h; {@code sock.__sk_common}, include/net/sock.h) and a file's inode
 * number ({@code file.f_inode → inode.i_ino}). sysdig's driver reads the same fields (libs e5c53d64,
 * driver/bpf/filler_helpers.h: bpf_sockfd_lookup, bpf_getsockname, bpf_get_fd_dev_ino).
 *
 * <p>{@code v6Rcv}/{@code v6Daddr} are -1 on a kernel built without IPv6 (the members do not exist).
 */
public record FdOffsets(int taskFiles, int filesFdt, int fdtableMaxFds, int fdtableFd, int filePrivate, int fileInode, int inodeIno,
                        int socketSk, int family, int num, int dport, int rcvSaddr, int daddr, int v6Rcv, int v6Daddr,
                        int ackBacklog, int maxAckBacklog, Mm mm, Unix unix) {

    /**
     * Where a unix-domain socket's peer and bound name are (include/net/af_unix.h): {@code struct unix_sock}
     * starts with its {@code struct sock}, so {@code socket.sk} is the unix_sock; {@code peer} is the other
     * end's sock once connected, {@code addr} the bound {@code struct unix_address} (null when unbound), whose
     * {@code name} is a {@code struct sockaddr_un}; {@code path} is the offset of {@code name[0].sun_path}
     * in the unix_address. The driver reads the same (auxmap_store_socktuple_param, AF_UNIX case).
     * Null when the kernel's BTF lacks them (unix sockets built as a module): the tuple then has zero pointers.
     */
    public record Unix(int peer, int addr, int path) {}

    /**
     * Where a process's memory counters are ({@code task_struct.mm → mm_struct}; include/linux/mm_types.h):
     * {@code total_vm} in pages and the rss_stat counters (MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS,
     * MM_SHMEMPAGES: 0 to 3), each {@code stride} bytes apart from {@code rss}: a percpu_counter's {@code count}
     * on kernels since 6.2, an atomic_long_t before. The driver's mmap/munmap exits read these
     * (bpf_get_mm_rss, bpf_get_mm_swap); {@code pageShift} converts pages to KiB. {@code argStart} and
     * {@code argEnd}: {@code mm_struct.arg_start/arg_end}, the new image's argv area that the driver's execve
     * exit (f_proc_startupdate) reads its exe and args from. {@code taskSignal}: {@code task_struct.signal};
     * {@code nofileCur}: {@code signal_struct.rlim[RLIMIT_NOFILE].rlim_cur} (RLIMIT_NOFILE 7,
     * include/uapi/asm-generic/resource.h; struct rlimit two unsigned longs), the fdlimit the driver's execve exit
     * writes. {@code envStart} and {@code envEnd}: {@code mm_struct.env_start/env_end}, the new image's environment
     * area, the execve exit's env (f_proc_startupdate copies it as it copies the args). {@code paths}: the walk from
     * the exe file and the working directory to their names ({@link PathWalk}), null when this kernel's BTF lacks a
     * member it needs (the exit's exepath and cwd then come from /proc). {@code exeFile}: {@code mm_struct.exe_file};
     * {@code access}: whether that file is writable by the process ({@link ExeAccess}), null without BTF for it.
     */
    public record Mm(int taskMm, int totalVm, int rss, int stride, int pageShift, int argStart, int argEnd,
                     int taskSignal, int nofileCur, int envStart, int envEnd, PathWalk paths, int exeFile,
                     ExeAccess access) {}

    /** The offsets of the running kernel, or null when its BTF lacks one of the required members. */
    public static FdOffsets of(Btf btf) {
        try {
            return new FdOffsets(off(btf, "task_struct.files"), off(btf, "files_struct.fdt"), off(btf, "fdtable.max_fds"),
                    off(btf, "fdtable.fd"),
                    off(btf, "file.private_data"), off(btf, "file.f_inode"), off(btf, "inode.i_ino"),
                    off(btf, "socket.sk"), off(btf, "sock.__sk_common.skc_family"), off(btf, "sock.__sk_common.skc_num"),
                    off(btf, "sock.__sk_common.skc_dport"), off(btf, "sock.__sk_common.skc_rcv_saddr"),
                    off(btf, "sock.__sk_common.skc_daddr"), optional(btf, "sock.__sk_common.skc_v6_rcv_saddr"),
                    optional(btf, "sock.__sk_common.skc_v6_daddr"), off(btf, "sock.sk_ack_backlog"),
                    off(btf, "sock.sk_max_ack_backlog"), mm(btf), unix(btf));
        } catch (BtfException e) {
            return null;
        }
    }

    /** The memory counters' layout, or null when this kernel's BTF describes them otherwise. */
    static Mm mm(Btf btf) {
        try {
            var rss = btf.member("mm_struct.rss_stat");
            int base = (int) rss.byteOffset();
            int stride;
            if (btf.type(btf.resolve(rss.typeId())) instanceof BtfType.Array arr) {
                int elem = btf.resolve(arr.elementType());
                base += (int) btf.member(elem, "count").byteOffset();
                stride = (int) btf.sizeOf(elem);
            } else {
                base += (int) btf.member(btf.resolve(rss.typeId()), "count").byteOffset();
                stride = 8;
            }
            long page = io.boxscope.bpf.sys.Sys.pageSize();
            return new Mm(off(btf, "task_struct.mm"), off(btf, "mm_struct.total_vm"), base, stride,
                    Long.numberOfTrailingZeros(page), off(btf, "mm_struct.arg_start"), off(btf, "mm_struct.arg_end"),
                    off(btf, "task_struct.signal"), off(btf, "signal_struct.rlim") + 7 * 16,
                    off(btf, "mm_struct.env_start"), off(btf, "mm_struct.env_end"), PathWalk.of(btf),
                    off(btf, "mm_struct.exe_file"), ExeAccess.of(btf));
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** The unix socket offsets, or null when this kernel's BTF does not describe unix_sock. */
    static Unix unix(Btf btf) {
        try {
            return new Unix(off(btf, "unix_sock.peer"), off(btf, "unix_sock.addr"),
                    off(btf, "unix_address.name") + off(btf, "sockaddr_un.sun_path"));
        } catch (BtfException e) {
            return null;
        }
    }

    private static int off(Btf btf, String path) throws BtfException {
        return (int) btf.member(path).byteOffset();
    }

    private static int optional(Btf btf, String path) {
        try {
            return off(btf, path);
        } catch (BtfException e) {
            return -1;
        }
    }
}
