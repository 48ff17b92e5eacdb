package io.boxscope.trace.filter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields boxscope's filters and {@code trace -l} support: a subset of sysdig 0.29's, with
 * sysdig's names and types (so a filter means the same in both), in sysdig's {@code -l} order.
 * The descriptions are boxscope's. A live capture answers for each through a {@link FieldSource}.
 */
public enum Field {
    EVT_NUM(FieldClass.EVT_ALL, "evt.num", FieldType.UINT64, Arg.NONE, "the event's number, counted from 1 in the capture."),
    EVT_TIME(FieldClass.EVT_ALL, "evt.time", FieldType.CHARBUF, Arg.NONE, "when the event happened, as time of day with nanoseconds (e.g. 15:04:05.123456789)."),
    EVT_PLUGINNAME(FieldClass.EVT_ALL, "evt.pluginname", FieldType.CHARBUF, Arg.NONE, "for an event a plugin made, the plugin's name: no value for the system call events capture files hold (sysdig 0.29 -r loads no plugin for them)."),
    EVT_PLUGININFO(FieldClass.EVT_ALL, "evt.plugininfo", FieldType.CHARBUF, Arg.NONE, "for an event a plugin made, the plugin's summary of it: no value for the system call events capture files hold."),

    EVT_LATENCY(FieldClass.EVT_SYSCALL, "evt.latency", FieldType.RELTIME, Arg.NONE, "for an exit event, the nanoseconds since its enter event; 0 for enter events."),
    EVT_DIR(FieldClass.EVT_SYSCALL, "evt.dir", FieldType.CHARBUF, Arg.NONE, "'>' for an enter event, '<' for an exit event."),
    EVT_TYPE(FieldClass.EVT_SYSCALL, "evt.type", FieldType.CHARBUF, Arg.NONE, "the event's name, e.g. 'open' or 'connect'; for system calls without an event of their own, the system call's name."),
    EVT_TYPE_IS(FieldClass.EVT_SYSCALL, "evt.type.is", FieldType.UINT32, Arg.NAME, "evt.type.is.NAME is 1 for the enter and exit events of the first event kind so named in sysdig's event table (evt.type.is.poll), 0 for any other event; evt.type.is.N is 1 for event number N only. Formats print <NA> for it, as sysdig 0.29 does."),
    SYSCALL_TYPE(FieldClass.EVT_SYSCALL, "syscall.type", FieldType.CHARBUF, Arg.NONE, "for system call events, the system call's name (evt.type, or a generic event's system call); no value for the switch event and the events sysdig keeps out of its parser's state (container, procinfo, drop...)."),
    EVT_CATEGORY(FieldClass.EVT_SYSCALL, "evt.category", FieldType.CHARBUF, Arg.NONE, "what the event is about: 'file', 'net', 'memory', 'process', 'io', 'ipc' and so on."),
    EVT_CPU(FieldClass.EVT_SYSCALL, "evt.cpu", FieldType.INT16, Arg.NONE, "the CPU the event happened on."),
    EVT_ARGS(FieldClass.EVT_SYSCALL, "evt.args", FieldType.CHARBUF, Arg.NONE, "every argument of the event in one string, as NAME=VALUE pairs."),
    EVT_ARG(FieldClass.EVT_SYSCALL, "evt.arg", FieldType.CHARBUF, Arg.NAME_OR_INDEX, "one argument of the event, by name (evt.arg.fd) or by position from 0 (evt.arg[0]), as text: file descriptors and return codes are shown resolved where possible."),
    EVT_RAWARG(FieldClass.EVT_SYSCALL, "evt.rawarg", FieldType.DYNAMIC, Arg.NAME, "one argument of the event by name (evt.rawarg.res), with its own type, so numbers compare as numbers."),
    EVT_INFO(FieldClass.EVT_SYSCALL, "evt.info", FieldType.CHARBUF, Arg.NONE, "what the event did, in words: usually the same as evt.args."),
    EVT_BUFFER(FieldClass.EVT_SYSCALL, "evt.buffer", FieldType.BYTEBUF, Arg.NONE, "the data buffer of events that carry one (read, write, sendto, recvfrom... exits): printed as -A, -x or -X ask; filters compare its bytes (=, !=, contains, startswith, endswith, in)."),
    EVT_BUFLEN(FieldClass.EVT_SYSCALL, "evt.buflen", FieldType.UINT64, Arg.NONE, "the size of the data buffer of events that carry one, such as read, write and sendto."),
    EVT_RES(FieldClass.EVT_SYSCALL, "evt.res", FieldType.CHARBUF, Arg.NONE, "the event's result as text: 'SUCCESS', or the error's name (e.g. 'ENOENT') when it failed."),
    EVT_RAWRES(FieldClass.EVT_SYSCALL, "evt.rawres", FieldType.INT64, Arg.NONE, "the event's result as a number (e.g. -2), for range comparisons."),
    EVT_FAILED(FieldClass.EVT_SYSCALL, "evt.failed", FieldType.BOOL, Arg.NONE, "'true' when the event returned an error."),
    EVT_IS_IO(FieldClass.EVT_SYSCALL, "evt.is_io", FieldType.BOOL, Arg.NONE, "'true' for events that read from or write to a file descriptor (read, send, recvfrom, ...)."),
    EVT_IS_IO_READ(FieldClass.EVT_SYSCALL, "evt.is_io_read", FieldType.BOOL, Arg.NONE, "'true' for events that read from a file descriptor (read, recv, recvfrom, ...)."),
    EVT_IS_IO_WRITE(FieldClass.EVT_SYSCALL, "evt.is_io_write", FieldType.BOOL, Arg.NONE, "'true' for events that write to a file descriptor (write, send, ...)."),
    EVT_IO_DIR(FieldClass.EVT_SYSCALL, "evt.io_dir", FieldType.CHARBUF, Arg.NONE, "'write' for events that write to a file descriptor, 'read' for events that read from one; no value for other events."),
    EVT_IS_WAIT(FieldClass.EVT_SYSCALL, "evt.is_wait", FieldType.BOOL, Arg.NONE, "'true' for events that make the thread wait: poll, ppoll, select, epoll_wait, nanosleep."),
    EVT_WAIT_LATENCY(FieldClass.EVT_SYSCALL, "evt.wait_latency", FieldType.RELTIME, Arg.NONE, "for the exit of an event that makes the thread wait (evt.is_wait), the nanoseconds it waited (its evt.latency); no value for other events."),
    EVT_IS_SYSLOG(FieldClass.EVT_SYSCALL, "evt.is_syslog", FieldType.BOOL, Arg.NONE, "'true' for events that write to a file descriptor whose name contains /dev/log."),

    EVT_AROUND(FieldClass.EVT_SYSCALL, "evt.around", FieldType.UINT64, Arg.TIME, "evt.around[T]=D keeps the events within D milliseconds of T, a time in nanoseconds since the epoch as %evt.rawtime prints it: evt.around[1404996934793590564]=1000 keeps two seconds of events around it. Only '=' compares it."),
    EVT_ABSPATH(FieldClass.EVT_SYSCALL, "evt.abspath", FieldType.CHARBUF, Arg.NAME, "the absolute path a *at call (openat, renameat, linkat, symlinkat, unlinkat, mkdirat, fchmodat) works on: its directory fd's name (or the cwd for AT_FDCWD) joined with its path argument. evt.abspath.src and evt.abspath.dst name the source and destination of renameat and linkat (evt.abspath is the source)."),
    EVT_IS_OPEN_READ(FieldClass.EVT_SYSCALL, "evt.is_open_read", FieldType.BOOL, Arg.NONE, "'true' for an open, openat or openat2 whose flags ask for reading (O_RDONLY or O_RDWR)."),
    EVT_IS_OPEN_WRITE(FieldClass.EVT_SYSCALL, "evt.is_open_write", FieldType.BOOL, Arg.NONE, "'true' for an open, openat or openat2 whose flags ask for writing (O_WRONLY or O_RDWR)."),
    EVT_IS_OPEN_EXEC(FieldClass.EVT_SYSCALL, "evt.is_open_exec", FieldType.BOOL, Arg.NONE, "'true' for an open, openat, openat2 or creat that creates a file (O_CREAT or O_TMPFILE; creat always) with an execute bit in its mode."),
    PROC_PID(FieldClass.PROCESS, "proc.pid", FieldType.INT64, Arg.NONE, "the process ID of the process that made the call."),
    PROC_EXE(FieldClass.PROCESS, "proc.exe", FieldType.CHARBUF, Arg.NONE, "the process's first command-line argument (usually the program, as it was started)."),
    PROC_NAME(FieldClass.PROCESS, "proc.name", FieldType.CHARBUF, Arg.NONE, "the name of the process's program, without its directory."),
    PROC_ARGS(FieldClass.PROCESS, "proc.args", FieldType.CHARBUF, Arg.NONE, "the process's command-line arguments after the first, separated by spaces."),
    PROC_ENV(FieldClass.PROCESS, "proc.env", FieldType.CHARBUF, Arg.NONE, "the process's environment as its last execve gave it (or the capture's process list), NAME=value entries separated by spaces."),
    PROC_CMDLINE(FieldClass.PROCESS, "proc.cmdline", FieldType.CHARBUF, Arg.NONE, "proc.name followed by proc.args."),
    PROC_EXELINE(FieldClass.PROCESS, "proc.exeline", FieldType.CHARBUF, Arg.NONE, "proc.exe followed by proc.args."),
    PROC_CWD(FieldClass.PROCESS, "proc.cwd", FieldType.CHARBUF, Arg.NONE, "the process's current working directory."),
    PROC_NTHREADS(FieldClass.PROCESS, "proc.nthreads", FieldType.UINT32, Arg.NONE, "how many threads the process has in the capture's thread table, its main thread included."),
    PROC_NCHILDS(FieldClass.PROCESS, "proc.nchilds", FieldType.UINT32, Arg.NONE, "on a main thread, how many other threads its process has in the capture's thread table; 0 on other threads."),
    PROC_PPID(FieldClass.PROCESS, "proc.ppid", FieldType.INT64, Arg.NONE, "the process ID of the process's parent."),
    PROC_PNAME(FieldClass.PROCESS, "proc.pname", FieldType.CHARBUF, Arg.NONE, "the program name (without directory) of the process's parent."),
    PROC_PCMDLINE(FieldClass.PROCESS, "proc.pcmdline", FieldType.CHARBUF, Arg.NONE, "proc.cmdline of the process's parent."),
    PROC_APID(FieldClass.PROCESS, "proc.apid", FieldType.INT64, Arg.ANCESTOR, "the process ID of an ancestor: proc.apid[1] is the parent's, proc.apid[2] the grandparent's, proc.apid[0] the process's own. Without [N], in filters only, it matches when any ancestor matches, e.g. proc.apid=1234."),
    PROC_ANAME(FieldClass.PROCESS, "proc.aname", FieldType.CHARBUF, Arg.ANCESTOR, "the program name of an ancestor: proc.aname[1] is the parent's, proc.aname[2] the grandparent's, proc.aname[0] the process's own. Without [N], in filters only, it matches when any ancestor matches, e.g. proc.aname=bash."),
    PROC_LOGINSHELLID(FieldClass.PROCESS, "proc.loginshellid", FieldType.INT64, Arg.NONE, "the process ID of the eldest shell (a name ending in 'sh') among the process and its ancestors; no value when there is none."),
    PROC_DURATION(FieldClass.PROCESS, "proc.duration", FieldType.RELTIME, Arg.NONE, "nanoseconds since the capture saw the thread's clone; no value for threads made before the capture."),
    PROC_FDOPENCOUNT(FieldClass.PROCESS, "proc.fdopencount", FieldType.UINT64, Arg.NONE, "how many file descriptors the process has open in the capture's fd table."),
    PROC_FDLIMIT(FieldClass.PROCESS, "proc.fdlimit", FieldType.INT64, Arg.NONE, "how many file descriptors the process may have open (its RLIMIT_NOFILE soft limit); -1 when unknown."),
    PROC_FDUSAGE(FieldClass.PROCESS, "proc.fdusage", FieldType.DOUBLE, Arg.NONE, "proc.fdopencount as a percentage of proc.fdlimit (0 when the limit is unknown); filters can only test it with exists, as in sysdig."),
    PROC_VMSIZE(FieldClass.PROCESS, "proc.vmsize", FieldType.UINT64, Arg.NONE, "the process's virtual memory size in kB, as of its last clone or execve (or the capture's process list)."),
    PROC_VMRSS(FieldClass.PROCESS, "proc.vmrss", FieldType.UINT64, Arg.NONE, "the process's resident memory (not swapped out) in kB, as of its last clone or execve (or the capture's process list)."),
    PROC_VMSWAP(FieldClass.PROCESS, "proc.vmswap", FieldType.UINT64, Arg.NONE, "how much of the process's memory was swapped out, in kB, as of its last clone or execve (or the capture's process list)."),
    THREAD_PFMAJOR(FieldClass.PROCESS, "thread.pfmajor", FieldType.UINT64, Arg.NONE, "the thread's major page faults, as of its last clone or execve (or the capture's process list)."),
    THREAD_PFMINOR(FieldClass.PROCESS, "thread.pfminor", FieldType.UINT64, Arg.NONE, "the thread's minor page faults, as of its last clone or execve (or the capture's process list)."),
    THREAD_TID(FieldClass.PROCESS, "thread.tid", FieldType.INT64, Arg.NONE, "the thread ID of the thread that made the call."),
    THREAD_ISMAIN(FieldClass.PROCESS, "thread.ismain", FieldType.BOOL, Arg.NONE, "'true' when the thread is the process's main thread (its thread ID is the process ID)."),
    THREAD_EXECTIME(FieldClass.PROCESS, "thread.exectime", FieldType.RELTIME, Arg.NONE, "on a switch event, the time since the previous switch event on its CPU (0 on the first), the CPU time of the thread leaving it; 0 on other events. As in sysdig, each use of the field only counts the switch events it is evaluated on (a format after a filter sees the kept ones)."),
    THREAD_TOTEXECTIME(FieldClass.PROCESS, "thread.totexectime", FieldType.RELTIME, Arg.NONE, "the thread's thread.exectime summed over its switch events so far (each use of the field counts the switch events it is evaluated on, as sysdig); 0 for captures without switch events (trace -w writes none)."),
    THREAD_CGROUPS(FieldClass.PROCESS, "thread.cgroups", FieldType.CHARBUF, Arg.NONE, "the thread's cgroups in one string, subsystem=path entries separated by spaces; no value when the capture gave none."),
    THREAD_CGROUP(FieldClass.PROCESS, "thread.cgroup", FieldType.CHARBUF, Arg.NAME, "the thread's cgroup in one subsystem, named after the field: thread.cgroup.cpu; no value when the thread has none there."),
    THREAD_VTID(FieldClass.PROCESS, "thread.vtid", FieldType.INT64, Arg.NONE, "the thread ID as the thread's own PID namespace numbers it (inside its container)."),
    PROC_VPID(FieldClass.PROCESS, "proc.vpid", FieldType.INT64, Arg.NONE, "the process ID as the process's own PID namespace numbers it (inside its container)."),
    THREAD_CPU(FieldClass.PROCESS, "thread.cpu", FieldType.DOUBLE, Arg.NONE, "on a procinfo event (sysdig's driver writes one per thread each second), the growth of the thread's user + system CPU ticks since its previous procinfo event (at most 100, 0 the first time); no value on other events, so none in trace -w captures, which have no procinfo events."),
    THREAD_CPU_USER(FieldClass.PROCESS, "thread.cpu.user", FieldType.DOUBLE, Arg.NONE, "thread.cpu of the user CPU ticks alone."),
    THREAD_CPU_SYSTEM(FieldClass.PROCESS, "thread.cpu.system", FieldType.DOUBLE, Arg.NONE, "thread.cpu of the system CPU ticks alone."),
    THREAD_VMSIZE(FieldClass.PROCESS, "thread.vmsize", FieldType.UINT64, Arg.NONE, "proc.vmsize on the process's main thread; 0 on its other threads."),
    THREAD_VMRSS(FieldClass.PROCESS, "thread.vmrss", FieldType.UINT64, Arg.NONE, "proc.vmrss on the process's main thread; 0 on its other threads."),
    PROC_SID(FieldClass.PROCESS, "proc.sid", FieldType.INT64, Arg.NONE, "the session ID of the process (-1 when the capture never said)."),
    PROC_SNAME(FieldClass.PROCESS, "proc.sname", FieldType.CHARBUF, Arg.NONE, "the name of the process's session leader: the process whose ID is proc.sid, or, when it has gone, the eldest ancestor in the same session."),
    PROC_TTY(FieldClass.PROCESS, "proc.tty", FieldType.INT32, Arg.NONE, "the controlling terminal's device number as /proc/PID/stat's tty_nr encodes it; 0 for none. Known from the process's last execve: 0 for processes the capture saw none of."),
    PROC_EXEPATH(FieldClass.PROCESS, "proc.exepath", FieldType.CHARBUF, Arg.NONE, "the full path of the process's executable."),
    PROC_VPGID(FieldClass.PROCESS, "proc.vpgid", FieldType.INT64, Arg.NONE, "the process group ID as the process's own PID namespace numbers it (-1 when the capture never said)."),
    PROC_IS_CONTAINER_HEALTHCHECK(FieldClass.PROCESS, "proc.is_container_healthcheck", FieldType.BOOL, Arg.NONE, "'true' when the process runs as its container's health check. Capture files carry no health check commands boxscope reads (trace -w writes none), so 'false', as sysdig 0.29 -r prints for trace -w files."),
    PROC_IS_CONTAINER_LIVENESS_PROBE(FieldClass.PROCESS, "proc.is_container_liveness_probe", FieldType.BOOL, Arg.NONE, "'true' when the process runs as its container's Kubernetes liveness probe: 'false' in capture files, as proc.is_container_healthcheck."),
    PROC_IS_CONTAINER_READINESS_PROBE(FieldClass.PROCESS, "proc.is_container_readiness_probe", FieldType.BOOL, Arg.NONE, "'true' when the process runs as its container's Kubernetes readiness probe: 'false' in capture files, as proc.is_container_healthcheck."),
    PROC_IS_EXE_WRITABLE(FieldClass.PROCESS, "proc.is_exe_writable", FieldType.BOOL, Arg.NONE, "'true' when the process's executable is writable by the user that started it (the execve exit's flags, inherited by clone)."),

    USER_UID(FieldClass.USER, "user.uid", FieldType.UINT32, Arg.NONE, "the user ID."),
    USER_NAME(FieldClass.USER, "user.name", FieldType.CHARBUF, Arg.NONE, "the user's name."),
    USER_HOMEDIR(FieldClass.USER, "user.homedir", FieldType.CHARBUF, Arg.NONE, "the user's home directory, from the capture's user list."),
    USER_SHELL(FieldClass.USER, "user.shell", FieldType.CHARBUF, Arg.NONE, "the user's login shell, from the capture's user list."),
    USER_LOGINUID(FieldClass.USER, "user.loginuid", FieldType.INT32, Arg.NONE, "the audit login user ID (auid: who logged in, kept across su and sudo); -1 when unset."),
    USER_LOGINNAME(FieldClass.USER, "user.loginname", FieldType.CHARBUF, Arg.NONE, "the name of the audit login user; no value when the login user ID is unset or not in the capture's user list."),

    GROUP_GID(FieldClass.GROUP, "group.gid", FieldType.UINT64, Arg.NONE, "the group ID."),
    GROUP_NAME(FieldClass.GROUP, "group.name", FieldType.CHARBUF, Arg.NONE, "the group's name."),

    CONTAINER_ID(FieldClass.CONTAINER, "container.id", FieldType.CHARBUF, Arg.NONE, "the container's ID (its first 12 characters for Docker), or 'host'."),
    CONTAINER_NAME(FieldClass.CONTAINER, "container.name", FieldType.CHARBUF, Arg.NONE, "the container's name, or 'host'."),
    CONTAINER_IMAGE(FieldClass.CONTAINER, "container.image", FieldType.CHARBUF, Arg.NONE, "the container's image name (e.g. busybox:latest)."),
    CONTAINER_IMAGE_ID(FieldClass.CONTAINER, "container.image.id", FieldType.CHARBUF, Arg.NONE, "the container image's ID, when the capture's container description has one (trace -w's do not)."),
    CONTAINER_TYPE(FieldClass.CONTAINER, "container.type", FieldType.CHARBUF, Arg.NONE, "the container runtime, e.g. docker, containerd, cri-o, podman."),
    CONTAINER_PRIVILEGED(FieldClass.CONTAINER, "container.privileged", FieldType.BOOL, Arg.NONE, "'true' for a Docker-compatible container (docker, cri, containerd, cri-o, podman) its description says runs privileged; no value on the host and for other runtimes."),
    CONTAINER_MOUNTS(FieldClass.CONTAINER, "container.mounts", FieldType.CHARBUF, Arg.NONE, "the container's mounts as its description lists them, source:dest:mode:rdwr:propagation each, separated by commas; no value on the host."),
    CONTAINER_MOUNT(FieldClass.CONTAINER, "container.mount", FieldType.CHARBUF, Arg.MOUNT, "one of the container's mounts, source:dest:mode:rdwr:propagation: container.mount[N] the Nth (from 0), container.mount[GLOB] the first whose source matches the glob; no value when none does, on the host, or for a container the capture does not describe."),
    CONTAINER_MOUNT_SOURCE(FieldClass.CONTAINER, "container.mount.source", FieldType.CHARBUF, Arg.MOUNT, "a mount's source: [N] the Nth mount's, [GLOB] that of the first mount whose destination matches the glob."),
    CONTAINER_MOUNT_DEST(FieldClass.CONTAINER, "container.mount.dest", FieldType.CHARBUF, Arg.MOUNT, "a mount's destination: [N] the Nth mount's, [GLOB] that of the first mount whose source matches the glob."),
    CONTAINER_MOUNT_MODE(FieldClass.CONTAINER, "container.mount.mode", FieldType.CHARBUF, Arg.MOUNT, "a mount's mode (e.g. ro, z, or empty): [N] the Nth mount's, [GLOB] that of the first mount whose source matches the glob."),
    CONTAINER_MOUNT_RDWR(FieldClass.CONTAINER, "container.mount.rdwr", FieldType.CHARBUF, Arg.MOUNT, "'true' or 'false', whether a mount is writable: [N] the Nth mount's, [GLOB] that of the first mount whose source matches the glob."),
    CONTAINER_MOUNT_PROPAGATION(FieldClass.CONTAINER, "container.mount.propagation", FieldType.CHARBUF, Arg.MOUNT, "a mount's propagation (e.g. rprivate): [N] the Nth mount's, [GLOB] that of the first mount whose source matches the glob."),

    CONTAINER_IMAGE_REPOSITORY(FieldClass.CONTAINER, "container.image.repository", FieldType.CHARBUF, Arg.NONE, "the container image without its tag (e.g. busybox)."),
    CONTAINER_IMAGE_TAG(FieldClass.CONTAINER, "container.image.tag", FieldType.CHARBUF, Arg.NONE, "the container image's tag (e.g. latest)."),

    FD_NUM(FieldClass.FD, "fd.num", FieldType.INT64, Arg.NONE, "the file descriptor's number."),
    FD_TYPE(FieldClass.FD, "fd.type", FieldType.CHARBUF, Arg.NONE, "the kind of file descriptor: 'file', 'directory', 'ipv4', 'ipv6', 'unix', 'pipe', 'event', 'signalfd', 'eventpoll', 'inotify' or 'timerfd'."),
    FD_TYPECHAR(FieldClass.FD, "fd.typechar", FieldType.CHARBUF, Arg.NONE, "the kind of file descriptor in one character: 'f' file, '4' IPv4 socket, '6' IPv6 socket, 'u' unix socket, 'p' pipe, 'e' eventfd, 's' signalfd, 'l' eventpoll, 'i' inotify, 'o' other."),
    FD_NAME(FieldClass.FD, "fd.name", FieldType.CHARBUF, Arg.NONE, "the file descriptor's full name: a file's path, or a socket's connection tuple."),
    FD_DIRECTORY(FieldClass.FD, "fd.directory", FieldType.CHARBUF, Arg.NONE, "for a file, the directory it is in."),
    FD_FILENAME(FieldClass.FD, "fd.filename", FieldType.CHARBUF, Arg.NONE, "for a file, its name without the directory."),
    FD_IP(FieldClass.FD, "fd.ip", FieldType.IPADDR, Arg.NONE, "matches when the client or the server IP address matches: = and in when either does, != when neither does."),
    FD_CIP(FieldClass.FD, "fd.cip", FieldType.IPADDR, Arg.NONE, "the client's IP address."),
    FD_SIP(FieldClass.FD, "fd.sip", FieldType.IPADDR, Arg.NONE, "the server's IP address."),
    FD_LIP(FieldClass.FD, "fd.lip", FieldType.IPADDR, Arg.NONE, "the local IP address."),
    FD_RIP(FieldClass.FD, "fd.rip", FieldType.IPADDR, Arg.NONE, "the remote IP address."),
    FD_PORT(FieldClass.FD, "fd.port", FieldType.PORT, Arg.NONE, "matches when the client or the server port matches: =, <, >, in ... when either does, != when neither does."),
    FD_CPORT(FieldClass.FD, "fd.cport", FieldType.PORT, Arg.NONE, "for TCP and UDP, the client's port."),
    FD_SPORT(FieldClass.FD, "fd.sport", FieldType.PORT, Arg.NONE, "for TCP and UDP, the server's port."),
    FD_LPORT(FieldClass.FD, "fd.lport", FieldType.PORT, Arg.NONE, "for TCP and UDP, the local port."),
    FD_RPORT(FieldClass.FD, "fd.rport", FieldType.PORT, Arg.NONE, "for TCP and UDP, the remote port."),
    FD_L4PROTO(FieldClass.FD, "fd.l4proto", FieldType.CHARBUF, Arg.NONE, "a socket's IP protocol: 'tcp', 'udp', 'icmp' or 'raw'."),
    FD_SOCKFAMILY(FieldClass.FD, "fd.sockfamily", FieldType.CHARBUF, Arg.NONE, "a socket's family: 'ip' or 'unix'."),
    FD_IS_SERVER(FieldClass.FD, "fd.is_server", FieldType.BOOL, Arg.NONE, "'true' when the process is the server end of the connection."),
    FD_UID(FieldClass.FD, "fd.uid", FieldType.CHARBUF, Arg.NONE, "the thread ID followed by the fd number (thread 1234 fd 5: '12345'), as sysdig chains them."),
    FD_CONTAINERNAME(FieldClass.FD, "fd.containername", FieldType.CHARBUF, Arg.NONE, "the container's ID, ':' and fd.name (the ID is empty on the host: ':/etc/passwd')."),
    FD_CONTAINERDIRECTORY(FieldClass.FD, "fd.containerdirectory", FieldType.CHARBUF, Arg.NONE, "the container's ID, ':' and fd.directory (the ID is empty on the host)."),
    FD_PROTO(FieldClass.FD, "fd.proto", FieldType.PORT, Arg.NONE, "matches when the client or the server port matches, as fd.port (sysdig compares fd.proto as fd.port)."),
    FD_CPROTO(FieldClass.FD, "fd.cproto", FieldType.CHARBUF, Arg.NONE, "for TCP and UDP, the client's port as text (sysdig -r resolves no service names: the number)."),
    FD_SPROTO(FieldClass.FD, "fd.sproto", FieldType.CHARBUF, Arg.NONE, "for TCP and UDP, the server's port as text; empty for a listening socket, as in sysdig."),
    FD_LPROTO(FieldClass.FD, "fd.lproto", FieldType.CHARBUF, Arg.NONE, "for TCP and UDP, the local port as text."),
    FD_RPROTO(FieldClass.FD, "fd.rproto", FieldType.CHARBUF, Arg.NONE, "for TCP and UDP, the remote port as text."),
    FD_NET(FieldClass.FD, "fd.net", FieldType.IPNET, Arg.NONE, "matches when the client or the server IP address is in the network (e.g. fd.net=10.0.0.0/8); != when neither is."),
    FD_CNET(FieldClass.FD, "fd.cnet", FieldType.IPNET, Arg.NONE, "matches when the client IP address is in the network."),
    FD_SNET(FieldClass.FD, "fd.snet", FieldType.IPNET, Arg.NONE, "matches when the server IP address is in the network."),
    FD_LNET(FieldClass.FD, "fd.lnet", FieldType.IPNET, Arg.NONE, "matches when the local IP address is in the network."),
    FD_RNET(FieldClass.FD, "fd.rnet", FieldType.IPNET, Arg.NONE, "matches when the remote IP address is in the network."),
    FD_CONNECTED(FieldClass.FD, "fd.connected", FieldType.BOOL, Arg.NONE, "for a socket, 'true' once a connect succeeded or is in progress, an accept made it, or a read or write on an IPv4/IPv6 socket succeeded (and for TCP sockets of the capture's fd list); never cleared."),
    FD_NAME_CHANGED(FieldClass.FD, "fd.name_changed", FieldType.BOOL, Arg.NONE, "'true' when parsing the event renamed its fd (an open or accept naming a new fd, a connect, a datagram to a new address); formats only: a filter sees 'false' wherever there is an fd, as sysdig 0.29's, which filters before it compares the names."),
    FD_CIP_NAME(FieldClass.FD, "fd.cip.name", FieldType.CHARBUF, Arg.NONE, "the host name of the client's IP address, once a filter comparison (fd.cip.name=NAME, !=, in) resolved NAME to it: no value before, as in sysdig (no reverse lookup)."),
    FD_SIP_NAME(FieldClass.FD, "fd.sip.name", FieldType.CHARBUF, Arg.NONE, "the host name of the server's IP address, once a filter comparison resolved it (see fd.cip.name)."),
    FD_LIP_NAME(FieldClass.FD, "fd.lip.name", FieldType.CHARBUF, Arg.NONE, "the host name of the local IP address, once a filter comparison resolved it (see fd.cip.name)."),
    FD_RIP_NAME(FieldClass.FD, "fd.rip.name", FieldType.CHARBUF, Arg.NONE, "the host name of the remote IP address, once a filter comparison resolved it (see fd.cip.name)."),
    FD_DEV(FieldClass.FD, "fd.dev", FieldType.INT32, Arg.NONE, "the device number of the file system holding the file, as the open's exit (or the capture's fd list) gives it: printed in hexadecimal, major and minor in the kernel's old encoding (fd.dev.major, fd.dev.minor)."),
    FD_DEV_MAJOR(FieldClass.FD, "fd.dev.major", FieldType.INT32, Arg.NONE, "the major part of fd.dev."),
    FD_DEV_MINOR(FieldClass.FD, "fd.dev.minor", FieldType.INT32, Arg.NONE, "the minor part of fd.dev."),
    SYSLOG_FACILITY_STR(FieldClass.SYSLOG, "syslog.facility.str", FieldType.CHARBUF, Arg.NONE, "for a write to an fd whose name contains /dev/log starting with '<PRI>', the facility's name (kern, user, ... local7)."),
    SYSLOG_FACILITY(FieldClass.SYSLOG, "syslog.facility", FieldType.UINT32, Arg.NONE, "the facility as a number (PRI / 8)."),
    SYSLOG_SEVERITY_STR(FieldClass.SYSLOG, "syslog.severity.str", FieldType.CHARBUF, Arg.NONE, "the severity's name: emerg, alert, crit, err, warn, notice, info or debug."),
    SYSLOG_SEVERITY(FieldClass.SYSLOG, "syslog.severity", FieldType.UINT32, Arg.NONE, "the severity as a number (PRI % 8)."),
    SYSLOG_MESSAGE(FieldClass.SYSLOG, "syslog.message", FieldType.CHARBUF, Arg.NONE, "the message after '<PRI>'. With any syslog field in the filter or format, evt.info of such a write is 'syslog sev=SEVERITY msg=MESSAGE', as in sysdig."),
    FDLIST_NUMS(FieldClass.FDLIST, "fdlist.nums", FieldType.CHARBUF, Arg.NONE, "for poll and ppoll, the numbers of the fds in its fds argument, separated by commas."),
    FDLIST_NAMES(FieldClass.FDLIST, "fdlist.names", FieldType.CHARBUF, Arg.NONE, "for poll and ppoll, the names of the fds in its fds argument, separated by commas (<NA> for an fd the tables do not know)."),
    FDLIST_CIPS(FieldClass.FDLIST, "fdlist.cips", FieldType.CHARBUF, Arg.NONE, "for poll and ppoll, the client IP addresses of the IPv4 and IPv6 sockets in its fds argument, separated by commas."),
    FDLIST_SIPS(FieldClass.FDLIST, "fdlist.sips", FieldType.CHARBUF, Arg.NONE, "for poll and ppoll, the server IP addresses of the sockets in its fds argument (a listening socket's own), separated by commas."),
    FDLIST_CPORTS(FieldClass.FDLIST, "fdlist.cports", FieldType.CHARBUF, Arg.NONE, "for poll and ppoll, the client ports of the IPv4 and IPv6 sockets in its fds argument, separated by commas."),
    FDLIST_SPORTS(FieldClass.FDLIST, "fdlist.sports", FieldType.CHARBUF, Arg.NONE, "for poll and ppoll, the server ports of the IPv4 and IPv6 sockets in its fds argument, separated by commas.");

    /** Which argument a field takes after its name. */
    public enum Arg {
        NONE,
        /** {@code .NAME} (an event argument's name) or {@code [N]} (its position). */
        NAME_OR_INDEX,
        /** {@code .NAME} only. */
        NAME,
        /** {@code [N]} (N generations up), or none: any ancestor. */
        ANCESTOR,
        /** {@code [T]}, required: a time in nanoseconds since the epoch (evt.around). */
        TIME,
        /** {@code [N]} (a mount's position) or {@code [GLOB]} (a path glob), required: the container.mount fields. */
        MOUNT
    }

    private static final Map<String, Field> BY_NAME = new HashMap<>();
    /** An EnumMap: the filter asks every field of every check of every event (an array index, not a hash probe). */
    private static final Map<Field, List<Field>> COMPARES = new java.util.EnumMap<>(Map.of(
            FD_IP, List.of(FD_CIP, FD_SIP), FD_PORT, List.of(FD_CPORT, FD_SPORT), FD_PROTO, List.of(FD_CPORT, FD_SPORT), FD_NET, List.of(FD_CIP, FD_SIP),
            FD_CNET, List.of(FD_CIP), FD_SNET, List.of(FD_SIP), FD_LNET, List.of(FD_LIP), FD_RNET, List.of(FD_RIP)));

    static {
        for (Field f : values()) {
            BY_NAME.put(f.fieldName, f);
        }
    }

    private final FieldClass fieldClass;
    private final String fieldName;
    private final FieldType type;
    private final Arg arg;
    private final String description;

    Field(FieldClass fieldClass, String fieldName, FieldType type, Arg arg, String description) {
        this.fieldClass = fieldClass;
        this.fieldName = fieldName;
        this.type = type;
        this.arg = arg;
        this.description = description;
    }

    /** The field's name as written in filters, e.g. "proc.name". */
    public String fieldName() {
        return fieldName;
    }

    public FieldClass fieldClass() {
        return fieldClass;
    }

    /** The declared type ({@link FieldType#DYNAMIC} for evt.rawarg: see {@link FieldRef#type()}). */
    public FieldType type() {
        return type;
    }

    public Arg arg() {
        return arg;
    }

    public String description() {
        return description;
    }

    /**
     * sysdig's "FILTER ONLY" fields have no value of their own: they compare other fields (fd.ip
     * compares fd.cip and fd.sip). Those fields, or an empty list for an ordinary field.
     */
    public List<Field> compares() {
        return COMPARES.getOrDefault(this, List.of());
    }

    /** Whether this field can only be used in filters (sysdig -l tags it "(FILTER ONLY)"). */
    public boolean filterOnly() {
        return !compares().isEmpty() || this == EVT_AROUND;
    }

    /**
     * fd.cip.name, fd.sip.name, fd.lip.name, fd.rip.name: a comparison on one without a value resolves the filter's
     * names and matches the socket's address against them (sinsp_filter_check_fd::compare_domain, libs e5c53d64).
     */
    public boolean hostName() {
        return this == FD_CIP_NAME || this == FD_SIP_NAME || this == FD_LIP_NAME || this == FD_RIP_NAME;
    }

    /** The field with exactly this name, or null. */
    public static Field byName(String name) {
        return BY_NAME.get(name);
    }
}
