package io.boxscope.tools.statsnoop;

/**
 * One stat-family call as libbpf-tools' statsnoop prints it.
 *
 * @param timestampNs kernel monotonic time at the call's return (bpf_ktime_get_ns), for -t
 * @param pid         process id
 * @param comm        process name
 * @param ret         the call's return: 0, or -errno
 * @param syscall     which call ({@link Statsnoop#syscallName})
 * @param path        the path argument as the process passed it (up to 255 bytes)
 * @param container   the container's name, or null on the host
 */
public record StatEvent(long timestampNs, int pid, String comm, int ret, int syscall, String path, String container) {
    /** libbpf-tools' RET column: the return, -1 when the call failed. */
    public int fd() {
        return ret >= 0 ? ret : -1;
    }

    /** libbpf-tools' ERR column: the errno, 0 on success. */
    public int errno() {
        return ret >= 0 ? 0 : -ret;
    }
}
