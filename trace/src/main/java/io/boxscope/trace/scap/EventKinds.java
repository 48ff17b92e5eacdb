package io.boxscope.trace.scap;

/**
 * What the per-event paths (the {@link Inspector}'s state, {@link ScapFields}, the line) ask of the event
 * table, looked up once per event number: the EF_* flags and category they test, the state change an exit
 * makes, and where the {@code fd} and {@code res} parameters are. Asked by name, each is a string compare
 * or a set lookup, and a reader pays them for every event of a file, also for the events a filter rejects
 * (docs/benchmarks.md, "trace: reading capture files").
 */
final class EventKinds {
    private EventKinds() {}

    static final int ENTER = 1;
    /** Category INTERNAL (Boxscope's drop record, sysdig's internal events). */
    static final int INTERNAL = 1 << 1;
    static final int USES_FD = 1 << 2;
    static final int CREATES_FD = 1 << 3;
    static final int DESTROYS_FD = 1 << 4;
    /** A container description (PPME_CONTAINER_*: Inspector.isContainerEvent). */
    static final int CONTAINER = 1 << 5;
    /** connect's enter or exit. */
    static final int CONNECT = 1 << 6;
    /** procexit's enter. */
    static final int PROCEXIT = 1 << 7;
    /** EF_SKIPPARSERESET: sinsp's reset leaves the thread's last-event state alone (switch, page_fault, drop...). */
    static final int SKIP_RESET = 1 << 8;
    /** An exit parse_rw_exit handles (libs e5c53d64 parsers.cpp process_event): the I/O calls that mark a socket connected. */
    static final int RW = 1 << 9;

    /** The state change an exit event makes (Inspector.apply's cases, by the event's name). */
    enum Op { NONE, CLONE, EXECVE, OPEN, SOCKET, CONNECT, SENDRECV, BIND, ACCEPT, DUP, FCNTL, NEWFD, PIPE, SOCKETPAIR, SETID, SETSID, RLIMIT, CLOSE, CHDIR, FCHDIR }

    private static final java.util.Set<String> RW_EXITS = java.util.Set.of("read", "write", "recv", "send", "recvfrom",
            "recvmsg", "sendto", "sendmsg", "readv", "writev", "pread", "pwrite", "preadv", "pwritev");
    private static final int SIZE = 1024;
    private static final int[] FLAGS = new int[SIZE];
    private static final Op[] OPS = new Op[SIZE];
    /** Index of the parameter named fd, res, or -1. */
    private static final int[] FD = new int[SIZE];
    private static final int[] RES = new int[SIZE];

    static {
        java.util.Arrays.fill(OPS, Op.NONE);
        java.util.Arrays.fill(FD, -1);
        java.util.Arrays.fill(RES, -1);
        for (int t = 0; t < SIZE; t++) {
            EventInfo i = EventTable.get().infoOrNull(t);
            if (i == null) {
                continue;
            }
            FLAGS[t] = (i.isEnter() ? ENTER : 0)
                    | (i.category().equals("INTERNAL") ? INTERNAL : 0)
                    | (i.flags().contains("EF_USES_FD") ? USES_FD : 0)
                    | (i.flags().contains("EF_CREATES_FD") ? CREATES_FD : 0)
                    | (i.flags().contains("EF_DESTROYS_FD") ? DESTROYS_FD : 0)
                    | (Inspector.isContainerEvent(i) ? CONTAINER : 0)
                    | (i.name().equals("connect") ? CONNECT : 0)
                    | (i.isEnter() && i.name().equals("procexit") ? PROCEXIT : 0)
                    | (i.flags().contains("EF_SKIPPARSERESET") ? SKIP_RESET : 0)
                    | (!i.isEnter() && RW_EXITS.contains(i.name()) ? RW : 0);
            FD[t] = i.indexOf("fd");
            RES[t] = i.indexOf("res");
            if (!i.isEnter()) {
                OPS[t] = switch (i.name()) {
                    case "clone", "fork", "vfork", "clone3" -> Op.CLONE;
                    case "execve", "execveat" -> Op.EXECVE;
                    case "open", "openat", "openat2", "creat" -> Op.OPEN;
                    case "socket" -> Op.SOCKET;
                    case "connect" -> Op.CONNECT;
                    case "sendto", "sendmsg", "recvfrom", "recvmsg" -> Op.SENDRECV;
                    case "bind" -> Op.BIND;
                    case "accept", "accept4" -> Op.ACCEPT;
                    case "dup" -> Op.DUP;
                    case "fcntl" -> Op.FCNTL;
                    case "eventfd", "signalfd", "timerfd_create", "inotify_init" -> Op.NEWFD;
                    case "pipe", "pipe2" -> Op.PIPE;
                    case "socketpair" -> Op.SOCKETPAIR;
                    case "setuid", "setresuid", "setgid", "setresgid" -> Op.SETID;
                    case "setsid" -> Op.SETSID;
                    case "getrlimit", "setrlimit", "prlimit" -> Op.RLIMIT;
                    case "close" -> Op.CLOSE;
                    // parse_getcwd_exit (libs e5c53d64 parsers.cpp) does what parse_chdir_exit does: on success
                    // set_cwd with the path the kernel wrote (outside its _DEBUG check), so a getcwd puts back
                    // the cwd of a process whose start or chdir the capture does not hold
                    case "chdir", "getcwd" -> Op.CHDIR;
                    case "fchdir" -> Op.FCHDIR;
                    default -> Op.NONE;
                };
            }
        }
    }

    /** The {@code EventKinds} bits of event number {@code type} (0 beyond the table). */
    static int flags(int type) {
        return type >= 0 && type < SIZE ? FLAGS[type] : 0;
    }

    static boolean has(int type, int flag) {
        return (flags(type) & flag) != 0;
    }

    static Op op(int type) {
        return type >= 0 && type < SIZE ? OPS[type] : Op.NONE;
    }

    /** Index of event {@code type}'s fd parameter, or -1. */
    static int fd(int type) {
        return type >= 0 && type < SIZE ? FD[type] : -1;
    }

    /** Index of event {@code type}'s res parameter, or -1. */
    static int res(int type) {
        return type >= 0 && type < SIZE ? RES[type] : -1;
    }
}
