package io.boxscope.tools.execsnoop;

import java.time.LocalTime;
import java.util.List;

/**
 * One exec() as libbpf-tools' execsnoop prints it.
 *
 * @param time      local time the event was read (execsnoop -T)
 * @param sinceNs   nanoseconds since tracing started, when the event was read (execsnoop -t)
 * @param pid       process id
 * @param ppid      parent process id (0 when unknown: the process was gone before it could be read)
 * @param uid       user id
 * @param ret       the syscall's return value: 0, or -errno
 * @param comm      the process name after the exec (the caller's for a failed exec)
 * @param args      the file name, then argv[1..]
 * @param truncated argv had more arguments than --max-args (printed as {@code " ..."})
 * @param container the container's name, or null on the host
 */
public record ExecEvent(LocalTime time, long sinceNs, int pid, int ppid, int uid, int ret, String comm, List<String> args,
                        boolean truncated, String container) {
    public ExecEvent {
        args = List.copyOf(args);
    }
}
