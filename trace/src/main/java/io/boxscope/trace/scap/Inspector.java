package io.boxscope.trace.scap;

import java.nio.charset.StandardCharsets;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The thread and fd tables an event stream implies, kept up to date event by event the way libsinsp's
 * parsers do (userspace/libsinsp/parsers.cpp) for the events this module renders: clone/fork/vfork/clone3
 * create threads, execve renames them, open/openat/openat2/creat/socket add fds, connect names a socket
 * after its tuple, close removes the fd, procexit removes the thread after its event.
 *
 * <p>Starts from a capture file's tables, so {@code -r} needs nothing from the live machine.
 */
public final class Inspector {
    /**
     * A thread as the inspector knows it. Its fd table is the process's (the main thread's map, shared)
     * when the thread was made with CLONE_THREAD and CLONE_FILES, its own otherwise: libsinsp's
     * sinsp_threadinfo::get_fd_table() returns the main thread's table only when the thread's flags hold
     * PPM_CL_CLONE_FILES, so a thread listed or cloned without it keeps fds of its own (sysdig 0.29 -r).
     */
    public static final class Thread {
        final long tid;
        long pid;
        String comm;
        String cwd;
        LongMap<Fd> fds;
        ScapEvent lastEnter;
        /**
         * This thread's last enter when events arrive as a reader's views ({@link ScapEvent#isView()}): the view
         * is refilled by the next event read, so the enter its exit pairs with is kept here; the slot takes the
         * view's block array and the reader reads on into the slot's former one ({@link ScapEvent#keepInto}).
         */
        private ScapEvent enterSlot;
        /** Parent's tid, -1 while unknown; argv[0]; the executable's path; argv[1..]; ids (sinsp_threadinfo). */
        long ptid = -1;
        String exe;
        String exepath;
        List<String> args = List.of();
        long uid = -1;
        long gid = -1;
        long vtid;
        long vpid;
        List<String> cgroups = List.of();
        /** When the capture saw the thread made (its clone's exit), 0 for threads from the process list. */
        long cloneTs;
        /** Made by its own clone exit, seen before the caller's (sinsp's PPM_CL_CLONE_INVERTED). */
        boolean inverted;
        /** VmSize and VmRSS in kB and the fd limit, from the process list or the last clone/execve exit. */
        long vmsizeKb;
        long vmrssKb;
        long fdlimit;

        Thread(long tid, long pid, String comm, String cwd, LongMap<Fd> fds) {
            this.tid = tid;
            this.pid = pid;
            this.comm = comm;
            this.cwd = cwd;
            this.fds = fds;
            this.vtid = tid;
            this.vpid = pid;
        }

        public long tid() {
            return tid;
        }

        /** The parent's thread id, or -1 when unknown. */
        public long ptid() {
            return ptid;
        }

        /** argv[0], or null when unknown. */
        public String exe() {
            return exe;
        }

        /** The executable's full path, or null when unknown. */
        public String exepath() {
            return exepath;
        }

        public List<String> args() {
            return args;
        }

        /** The working directory, or null when unknown. */
        public String cwd() {
            return cwd;
        }

        /** The effective uid, or -1 when unknown. */
        public long uid() {
            return uid;
        }

        public long gid() {
            return gid;
        }

        public long vtid() {
            return vtid;
        }

        public long vpid() {
            return vpid;
        }

        /** {@code subsys=path} entries, as the process list or the last clone/execve gave them. */
        public List<String> cgroups() {
            return cgroups;
        }

        /** The fd {@code fd} of this thread's process, or null. */
        public Fd fd(long fd) {
            return fds.get(fd);
        }

        /** The last enter event of this thread (its exit's parameters live there), or null. */
        public ScapEvent lastEnter() {
            return lastEnter;
        }

        /** The thread's name, or null while unknown (sysdig prints {@code <NA>}). */
        public String comm() {
            return comm;
        }

        public long pid() {
            return pid;
        }

        /** When the capture saw the clone that made this thread (ns), or 0 when it did not (sysdig's m_clone_ts). */
        public long cloneTs() {
            return cloneTs;
        }

        public long vmsizeKb() {
            return vmsizeKb;
        }

        public long vmrssKb() {
            return vmrssKb;
        }

        public long fdlimit() {
            return fdlimit;
        }

        /** The fds this thread sees (its process's table when it shares it), by number. */
        public java.util.SortedMap<Long, Fd> fds() {
            return java.util.Collections.unmodifiableSortedMap(fds.sorted());
        }
    }

    /** An open fd: its type, name and, for sockets, transport protocol (scap_l4_proto; 0 unknown). */
    public record Fd(FdType type, String name, int l4proto, int intendedL4, SocketTuples.Endpoints ends) {
        public Fd(FdType type, String name, int l4proto) {
            this(type, name, l4proto, 0, null);
        }

        public Fd(FdType type, String name, int l4proto, int intendedL4) {
            this(type, name, l4proto, intendedL4, null);
        }

        char protoChar() {
            return switch (l4proto) {
                case 2 -> 't';
                case 3 -> 'u';
                case 4 -> 'i';
                case 5 -> 'r';
                default -> 0;
            };
        }
    }

    /** PPM_CL_CLONE_FILES and PPM_CL_CLONE_THREAD (driver/ppm_events_public.h). */
    static final int CLONE_FILES = 1;
    static final int CLONE_THREAD = 1 << 13;

    private final LongMap<Thread> threads = new LongMap<>();
    private final Map<Integer, String> users = new HashMap<>();
    private final Map<Integer, String> groups = new HashMap<>();
    private final Map<String, Container> containers = new HashMap<>();
    private final List<InterfaceInfo> interfaces;
    private long removeAfter = -1;
    private Fd eventFd;
    /** The thread {@link #thread} found last (still in {@link #threads}), or null. */
    private Thread cachedThread;

    public Inspector(CaptureTables tables) {
        Map<Long, LongMap<Fd>> byPid = new HashMap<>();
        for (ThreadInfo t : tables.threads()) {
            // a listed thread shares its process's table only with CLONE_FILES (libscap's proc scan sets it
            // on every non-leader thread; a thread without it has a table of its own)
            LongMap<Fd> fds = t.tid() == t.pid() || (t.flags() & CLONE_FILES) != 0
                    ? byPid.computeIfAbsent(t.pid(), k -> new LongMap<>()) : new LongMap<>();
            Thread th = new Thread(t.tid(), t.pid(), t.comm(), t.cwd(), fds);
            th.ptid = t.ptid();
            th.exe = t.exe();
            th.exepath = t.exepath();
            th.args = t.args();
            th.uid = Integer.toUnsignedLong(t.uid());
            th.gid = Integer.toUnsignedLong(t.gid());
            th.vtid = t.vtid();
            th.vpid = t.vpid();
            th.cgroups = t.cgroups();
            th.vmsizeKb = Integer.toUnsignedLong(t.vmsizeKb());
            th.vmrssKb = Integer.toUnsignedLong(t.vmrssKb());
            th.fdlimit = t.fdlimit();
            threads.put(t.tid(), th);
        }
        // sinsp_thread_manager::fix_sockets_coming_from_proc (threadinfo.cpp): an IPv4 connection of the fd list
        // whose source port is the port of an IPv4 server socket of any fd list is the server's end; sinsp
        // turns it round (the client first) and names it so
        java.util.Set<Integer> serverPorts = new java.util.HashSet<>();
        for (List<FdInfo> list : tables.fds().values()) {
            for (FdInfo f : list) {
                if (f.type() == FdType.IPV4_SERVSOCK) {
                    serverPorts.add(f.socket().sport());
                }
            }
        }
        for (Map.Entry<Long, List<FdInfo>> e : tables.fds().entrySet()) {
            Thread t = threads.get(e.getKey());
            if (t == null) {
                continue;
            }
            for (FdInfo f : e.getValue()) {
                t.fds.put(f.fd(), fromTable(f, serverPorts));
            }
        }
        interfaces = tables.interfaces();
        tables.users().forEach(u -> users.put(u.uid(), u.name()));
        tables.groups().forEach(g -> groups.put(g.gid(), g.name()));
    }

    private static Fd fromTable(FdInfo f, java.util.Set<Integer> serverPorts) {
        FdInfo.SocketInfo s = f.socket();
        if (f.type() == FdType.IPV4_SOCK && serverPorts.contains(s.sport())) {
            s = new FdInfo.SocketInfo(s.dip(), s.dport(), s.sip(), s.sport(), s.l4proto(), s.unixSource(), s.unixDest());
        }
        return switch (f.type()) {
            case IPV4_SOCK, IPV6_SOCK -> new Fd(f.type(), EventFormatter.tuple(s.sip(), s.sport(), s.dip(), s.dport()), s.l4proto(),
                    0, new SocketTuples.Endpoints(s.sip(), s.sport(), s.dip(), s.dport()));
            case IPV4_SERVSOCK, IPV6_SERVSOCK -> new Fd(f.type(), EventFormatter.address(s.sip(), s.sport()), s.l4proto());
            default -> new Fd(f.type(), f.name(), 0);
        };
    }

    /**
     * A container as the capture file describes it (libsinsp's container event: its JSON's
     * {@code container.id}, {@code name}, {@code image}).
     */
    public record Container(String id, String name, String image) {}

    /** Whether the event is a container description (PPME_CONTAINER_E, _JSON_E, _JSON_2_E: sysdig -w writes them first). */
    public static boolean isContainerEvent(EventInfo info) {
        return info.name().equals("container");
    }

    private void container(ScapEvent e) {
        if (!(e.value("json").orElse(null) instanceof ParamValue.Text text)) {
            return; // the old PPME_CONTAINER_E (id, type, name, image) is not decoded
        }
        try {
            Object root = io.boxscope.proc.json.Json.parse(text.string());
            if (root instanceof Map<?, ?> m && m.get("container") instanceof Map<?, ?> c && c.get("id") instanceof String id) {
                containers.put(id, new Container(id, c.get("name") instanceof String n ? n : null,
                        c.get("image") instanceof String i ? i : null));
            }
        } catch (RuntimeException bad) {
            // a container event whose JSON does not parse describes nothing; sysdig ignores it the same way
        }
    }

    /** The container the file describes with this (12-character) id, or null. */
    public Container container(String id) {
        return containers.get(id);
    }

    /** Every thread known now, by tid. */
    public java.util.SortedMap<Long, Thread> threads() {
        return java.util.Collections.unmodifiableSortedMap(threads.sorted());
    }

    /**
     * The thread {@code tid}, or null. The last one found is kept: a thread's events come in runs (enter,
     * exit, the next call), and the map's lookup boxes the tid.
     */
    public Thread thread(long tid) {
        Thread c = cachedThread;
        if (c != null && c.tid == tid) {
            return c;
        }
        c = threads.get(tid);
        if (c != null) {
            cachedThread = c;
        }
        return c;
    }

    /** The user named by uid {@code uid} in the capture's user table, or null. */
    public String user(int uid) {
        return users.get(uid);
    }

    public String group(int gid) {
        return groups.get(gid);
    }

    /** The capture's interface list (which addresses are this machine's). */
    public List<InterfaceInfo> interfaces() {
        return interfaces;
    }

    /**
     * Applies {@code e} to the tables. Call before rendering it: sysdig prints an event with the state its
     * own parsing produced (an execve's exit already shows the new name).
     */
    public void apply(ScapEvent e) {
        if (removeAfter >= 0) {
            threads.remove(removeAfter);
            if (cachedThread != null && cachedThread.tid == removeAfter) {
                cachedThread = null;
            }
            removeAfter = -1;
        }
        eventFd = null;
        EventInfo info = e.infoOrNull();
        if (info == null) {
            return;
        }
        int etype = e.type();
        int kind = EventKinds.flags(etype);
        if ((kind & EventKinds.CONTAINER) != 0) {
            container(e); // describes a container; its tid (-1) is no thread
            return;
        }
        boolean internal = (kind & EventKinds.INTERNAL) != 0;
        boolean isEnter = (kind & EventKinds.ENTER) != 0;
        Thread t = thread(e.tid());
        if (t == null && !internal) {
            // a thread the tables do not list: sinsp creates it, nameless (proc.name <NA>) until an execve names it
            t = new Thread(e.tid(), e.tid(), null, null, new LongMap<>());
            threads.put(e.tid(), t);
            cachedThread = t;
        }
        if (t != null && isEnter && (kind & EventKinds.CONNECT) != 0) {
            connectEnter(e, t);
        }
        if (t != null && (kind & EventKinds.USES_FD) != 0) {
            ScapEvent withFd = isEnter ? e : t.lastEnter;
            long fd = withFd == null ? -1 : withFd.num(EventKinds.fd(withFd.type()));
            eventFd = fd >= 0 ? t.fds.get(fd) : null;
        }
        if (isEnter) {
            if (t != null && !internal) {
                if (e.isView()) {
                    if (t.enterSlot == null) {
                        t.enterSlot = ScapEvent.emptyView();
                    }
                    t.lastEnter = e.keepInto(t.enterSlot);
                } else {
                    t.lastEnter = e;
                }
            }
            if ((kind & EventKinds.PROCEXIT) != 0) {
                removeAfter = e.tid();
            }
            return;
        }
        switch (EventKinds.op(etype)) {
            case NONE -> {
            }
            case CLONE -> applyClone(e, t);
            case EXECVE -> {
                if (t != null && num(e, "res") == 0) {
                    String comm = text(e, "comm");
                    t.comm = comm != null ? comm : basename(text(e, "exe"));
                    // the exit's cwd parameter is not read: parse_execve_exit (libs e5c53d64) skips param 6,
                    // so the thread keeps the cwd its clone copied and chdir/fchdir changed, also where that
                    // differs from what the kernel reported (a chdir the capture holds without its path)
                    execed(t, e);
                }
            }
            case OPEN -> {
                long fd = e.num(EventKinds.fd(etype));
                String name = fd >= 0 ? openedName(t, e) : null;
                if (t != null && fd >= 0 && name != null) {
                    // parse_open_openat_creat_exit: PPM_O_DIRECTORY (1 << 10) in the exit's flags makes a directory fd
                    long flags = num(e, "flags");
                    boolean dir = flags != Long.MIN_VALUE && (flags & (1 << 10)) != 0;
                    t.fds.put(fd, new Fd(dir ? FdType.DIRECTORY : FdType.FILE_V2, name, 0));
                }
            }
            case SOCKET -> {
                long fd = num(e, "fd");
                if (t != null && fd >= 0 && t.lastEnter != null && t.lastEnter.info().map(i -> i.name().equals("socket")).orElse(false)) {
                    long domain = num(t.lastEnter, "domain");
                    long stype = num(t.lastEnter, "type") & 0xff;
                    long proto = num(t.lastEnter, "proto");
                    FdType type = domain == 1 ? FdType.UNIX_SOCK : domain == 2 ? FdType.IPV4_SOCK
                            : domain == 10 ? FdType.IPV6_SOCK : FdType.UNKNOWN;
                    // SOCK_RAW 3; IPPROTO_TCP 6, IPPROTO_UDP 17, IPPROTO_IP 0 with SOCK_STREAM 1 / SOCK_DGRAM 2
                    int l4 = proto == 6 ? (stype == 3 ? 5 : 2) : proto == 17 ? (stype == 3 ? 5 : 3)
                            : proto == 0 ? (stype == 1 ? 2 : stype == 2 ? 3 : 0) : 0;
                    // sysdig shows a new socket without its protocol until connect or bind names it
                    t.fds.put(fd, new Fd(type, "", 0, l4));
                }
            }
            case CONNECT -> {
                long res = num(e, "res");
                if (t != null && t.lastEnter != null && (res >= 0 || res == -115)) { // parse_connect_exit: success or EINPROGRESS
                    long fd = num(t.lastEnter, "fd");
                    Fd old = t.fds.get(fd);
                    if (old != null && e.value("tuple").orElse(null) instanceof ParamValue.SockTuple st) {
                        if (st.family() == 1) {
                            t.fds.put(fd, new Fd(old.type(), Long.toHexString(st.unixSource()) + "->"
                                    + Long.toHexString(st.unixDest()) + " " + st.path(), 0, old.intendedL4()));
                        } else {
                            Fd now = SocketTuples.update(old, st, named(old), interfaces);
                            t.fds.put(fd, now != null ? now : SocketTuples.renamed(old, named(old)));
                        }
                    }
                }
            }
            case SENDRECV -> {
                // a datagram socket learns its peer from these calls' tuples (parse_rw_exit: tuple of sendto's and
                // sendmsg's enter event, recvfrom's and recvmsg's exit event), unless it is a named TCP socket
                if (t != null && t.lastEnter != null && num(e, "res") >= 0) {
                    long fd = num(t.lastEnter, "fd");
                    Fd old = t.fds.get(fd);
                    ScapEvent withTuple = info.name().startsWith("send") ? t.lastEnter : e;
                    if (old != null && (old.type() == FdType.IPV4_SOCK || old.type() == FdType.IPV6_SOCK)
                            && (old.name().isEmpty() || old.l4proto() != 2)
                            && withTuple.value("tuple").orElse(null) instanceof ParamValue.SockTuple st && st.family() != 1) {
                        Fd now = SocketTuples.update(old, st, old.l4proto() != 0 ? old.l4proto() : 3, interfaces);
                        if (now != null) {
                            t.fds.put(fd, now);
                        }
                    }
                }
            }
            case BIND -> {
                if (t != null && t.lastEnter != null && num(e, "res") >= 0
                        && e.value("addr").orElse(null) instanceof ParamValue.SockAddr a && (a.family() == 2 || a.family() == 10)) {
                    long fd = num(t.lastEnter, "fd");
                    Fd old = t.fds.get(fd);
                    if (old != null) {
                        // a server socket (a port to listen on) shows its protocol; a client bound to port 0 not yet
                        int l4 = a.port() != 0 ? named(old) : old.l4proto();
                        t.fds.put(fd, new Fd(old.type(), EventFormatter.address(a.addr(), a.port()), l4, old.intendedL4()));
                    }
                } else if (t != null && t.lastEnter != null && num(e, "res") >= 0
                        && e.value("addr").orElse(null) instanceof ParamValue.SockAddr a && a.family() == 1) {
                    // parse_bind_exit names any socket after the address it was bound to: a unix socket its path
                    long fd = num(t.lastEnter, "fd");
                    Fd old = t.fds.get(fd);
                    if (old != null) {
                        t.fds.put(fd, new Fd(old.type(), a.path(), old.l4proto(), old.intendedL4()));
                    }
                }
            }
            case ACCEPT -> {
                long fd = num(e, "fd");
                if (t != null && fd >= 0 && e.value("tuple").orElse(null) instanceof ParamValue.SockTuple st) {
                    if (st.family() == 1) {
                        t.fds.put(fd, new Fd(FdType.UNIX_SOCK, Long.toHexString(st.unixSource()) + "->"
                                + Long.toHexString(st.unixDest()) + " " + st.path(), 0));
                    } else {
                        t.fds.put(fd, new Fd(st.family() == 10 ? FdType.IPV6_SOCK : FdType.IPV4_SOCK,
                                EventFormatter.tuple(st.sip(), st.sport(), st.dip(), st.dport()), 2));
                    }
                }
            }
            case DUP -> {
                long res = num(e, "res");
                Fd old = t == null || t.lastEnter == null ? null : t.fds.get(num(t.lastEnter, "fd"));
                if (res >= 0 && old != null) {
                    t.fds.put(res, old);
                }
            }
            case FCNTL -> {
                // sinsp's parse_fcntl_exit: F_DUPFD and F_DUPFD_CLOEXEC (PPM_FCNTL_* 1 and 26) copy the fd as dup does
                long res = num(e, "res");
                ScapEvent enter = t == null ? null : t.lastEnter;
                long cmd = enter == null ? -1 : num(enter, "cmd");
                Fd old = cmd == 1 || cmd == 26 ? t.fds.get(num(enter, "fd")) : null;
                if (res >= 0 && old != null) {
                    t.fds.put(res, old);
                }
            }
            case NEWFD -> {
                long res = num(e, "res");
                if (t != null && res >= 0) {
                    FdType type = switch (info.name()) {
                        case "eventfd" -> FdType.EVENT;
                        case "signalfd" -> FdType.SIGNALFD;
                        case "timerfd_create" -> FdType.TIMERFD;
                        default -> FdType.INOTIFY;
                    };
                    t.fds.put(res, new Fd(type, "", 0));
                }
            }
            case PIPE -> {
                if (t != null && num(e, "res") >= 0) {
                    for (String p : new String[] {"fd1", "fd2"}) {
                        long fd = num(e, p);
                        if (fd >= 0) {
                            t.fds.put(fd, new Fd(FdType.FIFO, "", 0));
                        }
                    }
                }
            }
            case SETID -> {
                // parse_setuid_exit and friends: the thread's effective id from the enter event, when it changed
                String param = switch (info.name()) {
                    case "setuid" -> "uid";
                    case "setresuid" -> "euid";
                    case "setgid" -> "gid";
                    default -> "egid";
                };
                if (t != null && t.lastEnter != null && t.lastEnter.type() == e.type() - 1 && num(e, "res") >= 0) {
                    long id = num(t.lastEnter, param);
                    if (id >= 0 && id < 0xffffffffL) {
                        if (param.endsWith("uid")) {
                            t.uid = id;
                        } else {
                            t.gid = id;
                        }
                    }
                }
            }
            case CLOSE -> {
                if (t != null && t.lastEnter != null && e.num(EventKinds.res(etype)) >= 0) {
                    t.fds.remove(t.lastEnter.num(EventKinds.fd(t.lastEnter.type())));
                }
            }
            case CHDIR -> {
                // parse_chdir_exit: on success the path parameter, against the cwd (set_cwd)
                if (t != null && num(e, "res") >= 0 && e.value("path").orElse(null) instanceof ParamValue.Text p) {
                    chdir(t, p.bytes());
                }
            }
            case FCHDIR -> {
                // parse_fchdir_exit: on success the name of the enter event's fd, when the tables hold it
                if (t != null && num(e, "res") >= 0 && eventFd != null) {
                    chdir(t, eventFd.name().getBytes(StandardCharsets.ISO_8859_1));
                }
            }
        }
        if (eventFd != null && t.lastEnter != null) {
            Fd now = t.fds.get(t.lastEnter.num(EventKinds.fd(t.lastEnter.type())));
            if (now != null) {
                eventFd = now; // connect renamed it; close removed it and the name before stays
            }
        }
    }

    /** connect's enter: sinsp names the socket after the address it connects to before the call returns. */
    private static void connectEnter(ScapEvent e, Thread t) {
        if (e.value("addr").orElse(null) instanceof ParamValue.SockAddr a && a.family() == 1) {
            Fd old = t.fds.get(num(e, "fd"));
            if (old != null) {
                t.fds.put(num(e, "fd"), new Fd(old.type(), a.path(), old.l4proto())); // sinsp names a unix socket at connect's enter
            }
        }
        if (e.value("addr").orElse(null) instanceof ParamValue.SockAddr a && (a.family() == 2 || a.family() == 10)) {
            Fd old = t.fds.get(num(e, "fd"));
            if (old != null) {
                t.fds.put(num(e, "fd"), SocketTuples.withPeer(old, a));
            }
        }
    }

    /** A socket's protocol once connect or bind names it: what its socket() call asked for, TCP when unknown. */
    private static int named(Fd old) {
        return old.l4proto() != 0 ? old.l4proto() : old.intendedL4() != 0 ? old.intendedL4() : 2;
    }

    /** The fd the last applied event used or created (sysdig's fd.* fields), or null. */
    public Fd eventFd(ScapEvent e) {
        EventInfo ei = e.infoOrNull();
        int kind = EventKinds.flags(e.type());
        boolean enter = (kind & EventKinds.ENTER) != 0;
        if (ei != null && !enter && (kind & EventKinds.CONNECT) != 0 && eventFd != null
                && e.value("tuple").orElse(null) instanceof ParamValue.SockTuple st && st.family() != 1) {
            return new Fd(eventFd.type(), EventFormatter.tuple(st.sip(), st.sport(), st.dip(), st.dport()), eventFd.l4proto(),
                    eventFd.intendedL4(), new SocketTuples.Endpoints(st.sip(), st.sport(), st.dip(), st.dport()));
        }
        if (eventFd != null) {
            return eventFd;
        }
        if (ei == null || enter || (kind & EventKinds.CREATES_FD) == 0) {
            return null;
        }
        Thread t = thread(e.tid());
        if (t == null) {
            return null;
        }
        int fdAt = EventKinds.fd(e.type());
        long fd = fdAt >= 0 && fdAt < e.params().size() ? e.num(fdAt)
                : EventKinds.res(e.type()) == 0 && ei.params().get(0).type() == ParamType.FD ? num(e, "res") : Long.MIN_VALUE;
        if (fd >= 0) {
            return t.fds.get(fd);
        }
        String name = openedName(t, e);
        return name != null ? new Fd(FdType.FILE_V2, name, 0) : null; // a failed open: sysdig names the path it tried
    }

    /** What parse_execve_exit keeps besides comm and cwd: argv, the pid, cgroups, the path the enter event executed. */
    /** vm_size, vm_rss and fdlimit of a clone or execve exit (parse_clone_exit, parse_execve_exit). */
    private static void memory(Thread t, ScapEvent e) {
        if (num(e, "vm_size") != Long.MIN_VALUE) {
            t.vmsizeKb = num(e, "vm_size");
            t.vmrssKb = num(e, "vm_rss");
        }
        if (num(e, "fdlimit") != Long.MIN_VALUE) {
            t.fdlimit = num(e, "fdlimit");
        }
    }

    private static void execed(Thread t, ScapEvent e) {
        memory(t, e);
        String exe = text(e, "exe");
        if (exe != null) {
            t.exe = exe;
        }
        if (e.value("args").orElse(null) instanceof ParamValue.Bytes a) {
            t.args = List.copyOf(a.strings());
        }
        long pid = num(e, "pid");
        if (pid != Long.MIN_VALUE) {
            t.pid = pid;
        }
        if (t.ptid == -1 && num(e, "ptid") != Long.MIN_VALUE) {
            t.ptid = num(e, "ptid");
        }
        if (e.value("cgroups").orElse(null) instanceof ParamValue.Bytes c) {
            t.cgroups = List.copyOf(c.strings());
        }
        ScapEvent enter = t.lastEnter;
        if (enter != null && enter.type() == e.type() - 1 && e.info().map(i -> i.name().equals("execve")).orElse(false)) {
            String filename = text(enter, "filename");
            if (filename != null) {
                t.exepath = filename.startsWith("<NA>") ? "<NA>"
                        : resolvePath(t.cwd == null ? "/" : t.cwd, filename);
            }
        }
    }

    private void applyClone(ScapEvent e, Thread parent) {
        long res = num(e, "res");
        String comm = text(e, "comm");
        if (comm == null) {
            comm = basename(text(e, "exe"));
        }
        long flags = num(e, "flags");
        boolean sameProcess = (flags & CLONE_THREAD) != 0;
        Thread before = res > 0 ? threads.get(res) : null;
        // parse_clone_exit: an entry the child's own clone exit made stays; any other entry with the child's
        // tid is a thread whose exit the capture missed, and the new thread replaces it
        if (res > 0 && (before == null || !before.inverted)) {
            long pid = sameProcess && parent != null ? parent.pid : res;
            // parse_clone_exit: a new process gets a copy of its parent's fds; a new thread uses the process's
            // table with CLONE_FILES (get_fd_table), else starts with an empty table of its own
            LongMap<Fd> fds;
            if (parent == null) {
                fds = new LongMap<>();
            } else if (!sameProcess) {
                fds = new LongMap<>(parent.fds);
            } else if ((flags & CLONE_FILES) != 0) {
                Thread main = threads.get(pid);
                fds = main != null ? main.fds : parent.fds;
            } else {
                fds = new LongMap<>();
            }
            String cwd = parent != null ? parent.cwd : text(e, "cwd");
            Thread child = new Thread(res, pid, comm, cwd, fds);
            child.ptid = e.tid(); // parse_clone_exit: the thread that called clone
            child.exe = parent != null && parent.exe != null ? parent.exe : text(e, "exe");
            child.exepath = parent != null ? parent.exepath : null;
            child.args = e.value("args").orElse(null) instanceof ParamValue.Bytes a ? List.copyOf(a.strings())
                    : parent != null ? parent.args : List.of();
            child.uid = num(e, "uid") != Long.MIN_VALUE ? num(e, "uid") : parent != null ? parent.uid : -1;
            child.gid = num(e, "gid") != Long.MIN_VALUE ? num(e, "gid") : parent != null ? parent.gid : -1;
            child.cgroups = e.value("cgroups").orElse(null) instanceof ParamValue.Bytes c ? List.copyOf(c.strings())
                    : parent != null ? parent.cgroups : List.of();
            child.cloneTs = e.ts();
            memory(child, e);
            threads.put(res, child);
            if (before != null && cachedThread == before) {
                cachedThread = null;
            }
        } else if (res == 0 && parent != null && parent.comm == null) {
            // the child's side of a clone whose parent's side was not seen
            parent.inverted = true;
            parent.comm = comm;
            parent.pid = num(e, "pid");
            // parse_clone_exit's inverted clone copies the cwd of the thread that called clone (pid for a
            // thread, ptid for a process), not the event's cwd parameter; an unlisted caller is a fake entry
            // without a cwd
            Thread caller = threads.get(sameProcess ? num(e, "pid") : num(e, "ptid"));
            parent.cwd = caller != null && caller != parent ? caller.cwd : null;
            if (caller != null && caller != parent) {
                // and its fds as the parent's side would have (a process: a copy; a thread: shared with
                // CLONE_FILES): posix_spawn's child reads the pipes its parent made before it ran
                if (!sameProcess) {
                    parent.fds = new LongMap<>(caller.fds);
                } else if ((flags & CLONE_FILES) != 0) {
                    parent.fds = caller.fds;
                }
            }
            parent.exe = text(e, "exe");
            if (e.value("args").orElse(null) instanceof ParamValue.Bytes a) {
                parent.args = List.copyOf(a.strings());
            }
            parent.ptid = num(e, "ptid");
            parent.vpid = parent.pid;
            parent.cloneTs = e.ts();
            memory(parent, e);
            if (e.value("cgroups").orElse(null) instanceof ParamValue.Bytes c) {
                parent.cgroups = List.copyOf(c.strings()); // parse_clone_exit takes the child's cgroups too
            }
            if (num(e, "uid") != Long.MIN_VALUE) {
                parent.uid = num(e, "uid");
                parent.gid = num(e, "gid");
            }
        }
    }

    /**
     * The name an open/openat/openat2/creat exit gives its fd, as parse_open_openat_creat_exit builds it
     * (libs e5c53d64 parsers.cpp): {@link #concatenate} of a directory and the path, the directory being
     * (parse_dirfd) the thread's cwd for AT_FDCWD and open/creat, {@code <UNKNOWN>} for a directory fd the
     * tables do not hold, and else that fd's name with a {@code /} always added: parse_dirfd means to add it
     * only when the name lacks one but tests the byte past the end, so an fd named {@code /} gives
     * {@code //tmp}, as sysdig prints. Null when the event has no name.
     */
    private static String openedName(Thread t, ScapEvent e) {
        EventInfo info = e.infoOrNull();
        int i = info == null ? -1 : info.indexOf("name");
        if (t == null || i < 0 || i >= e.params().size()) {
            return null;
        }
        ParamType type = info.params().get(i).type();
        if (type == ParamType.CHARBUF || type == ParamType.FSPATH || type == ParamType.FSRELPATH) {
            // most opens: what concatenate gives, without decoding the parameter and rebuilding the path
            String plain = e.plainPath(i);
            if (plain != null) {
                return plain.charAt(0) == '/' ? plain : openDir(t, e, info).concat(plain);
            }
        }
        if (!(e.value(i) instanceof ParamValue.Text name)) {
            return null;
        }
        byte[] path = name.bytes();
        // absolute: the directory is not used
        return concatenate(path.length > 0 && path[0] == '/' ? "" : openDir(t, e, info), path);
    }

    /** The directory a relative path of an open is in: its dirfd's name, or the thread's working directory. */
    private static String openDir(Thread t, ScapEvent e, EventInfo info) {
        long dirfd = info.indexOf("dirfd") >= 0 ? num(e, "dirfd") : -100;
        if (dirfd == -100 || dirfd == Long.MIN_VALUE) {
            return cwdOf(t);
        }
        Fd fd = t.fds.get(dirfd);
        return fd == null ? "<UNKNOWN>" : fd.name() + "/";
    }

    /**
     * sinsp_threadinfo::set_cwd: the new directory {@link #concatenate}d to the process's cwd (an absolute one
     * replaces it), ending with {@code /}. sinsp keeps the cwd on the process's main thread (get_cwd reads it
     * there); Boxscope copies it to each thread at clone, so it sets it on the main thread and the caller: the
     * process's other threads keep the cwd they had (a multi-threaded chdir is rare in practice).
     */
    private void chdir(Thread t, byte[] path) {
        Thread main = threads.get(t.pid);
        String cwd = concatenate(main != null ? cwdOf(main) : cwdOf(t), path);
        cwd = cwd.endsWith("/") ? cwd : cwd + "/";
        t.cwd = cwd;
        if (main != null) {
            main.cwd = cwd;
        }
    }

    /**
     * The thread's cwd as sinsp keeps it: ending with {@code /} (sinsp_threadinfo::set_cwd adds one), and
     * empty for a thread the tables did not list (get_thread_ref's fake entry sets no cwd, so a relative
     * path resolves against nothing: {@code openat(AT_FDCWD, "")} names the fd {@code <f>} and prints
     * {@code name=}, as sysdig 0.29 does).
     */
    static String cwdOf(Thread t) {
        String cwd = t.cwd;
        if (cwd == null) {
            return "";
        }
        return cwd.endsWith("/") ? cwd : cwd + "/";
    }

    /**
     * A path parameter's resolved form, as sinsp_evt::get_param_as_str prints it in parentheses: the
     * directory (sinsp_evt::get_base_dir: the thread's cwd, or for a FSRELPATH with a directory fd other than
     * AT_FDCWD that fd's name, control and non-ASCII bytes removed, and {@code /}; the empty string when the
     * tables hold no name for it) {@link #concatenate}d with the path. Null, so nothing is printed, for an
     * absolute path (concatenate_paths then fails and sysdig clears the text), a parameter without bytes, or
     * one starting {@code <NA>}. For an unknown directory fd, sysdig 0.29 reading a file asks the READING
     * machine's /proc/PID/fd/N (threadinfo.cpp get_path_for_dir_fd): when that process is gone, the
     * directory is empty, which is what Boxscope always uses.
     */
    static String resolve(Thread t, ScapEvent e, EventInfo.ParamInfo p) {
        int idx = e.info().map(i -> i.indexOf(p.name())).orElse(-1);
        if (idx < 0 || idx >= e.params().size() || e.params().get(idx).length == 0
                || !(e.value(idx) instanceof ParamValue.Text text)) {
            return null;
        }
        byte[] path = text.bytes();
        if (startsWith(path, "<NA>") || (path.length > 0 && path[0] == '/')) {
            return null;
        }
        String base = cwdOf(t);
        if (p.type() == ParamType.FSRELPATH && p.info().startsWith("DIRFD_PARAM(")) {
            int d = Integer.parseInt(p.info().substring("DIRFD_PARAM(".length(), p.info().length() - 1));
            long dirfd = d < e.params().size() && e.value(d) instanceof ParamValue.Num n ? n.value() : -100;
            if (dirfd != -100) {
                Fd fd = t.fds.get(dirfd);
                base = fd == null || fd.name().isEmpty() ? "" : withoutInvalid(fd.name()) + "/";
            }
        }
        return concatenate(base, path);
    }

    private static boolean startsWith(byte[] b, String prefix) {
        if (b.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (b[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * sinsp_utils::concatenate_paths (libs e5c53d64 utils.cpp): a relative path (the empty one too) is
     * appended to {@code dir} as it is, an absolute one replaces it; the appended path is cleaned as
     * copy_and_sanitize_path does: {@code ./} and a final {@code .} dropped, {@code ../} and a final
     * {@code ..} step back to the previous {@code /} (into {@code dir} too, never before its second
     * character), repeated {@code /} kept once, a final {@code /} dropped, and every byte that is not
     * printable ASCII written as {@code .}. {@code dir} itself is not cleaned: {@code //} + {@code tmp} is
     * {@code //tmp}, {@code <UNKNOWN>} + {@code x} is {@code <UNKNOWN>x}.
     */
    static String concatenate(String dir, byte[] path) {
        StringBuilder t = new StringBuilder(dir.length() + path.length);
        if (path.length == 0 || path[0] != '/') {
            t.append(dir);
        }
        int n = path.length;
        int pc = 0;
        while (pc < n) {
            int c = path[pc] & 0xff;
            int c1 = pc + 1 < n ? path[pc + 1] & 0xff : 0;
            int c2 = pc + 2 < n ? path[pc + 2] & 0xff : 0;
            if (c < 0x20 || c >= 0x7f) {
                t.append('.'); // g_invalidchar: !isprint, and every byte of a multi-byte character
                pc++;
            } else if (c == '.' && c1 == '.' && c2 == '/') {
                rewind(t);
                pc += 3;
            } else if (c == '.' && c1 == '.') {
                if (pc + 2 >= n) {
                    rewind(t);
                } else {
                    t.append("..");
                }
                pc += 2;
            } else if (c == '.' && c1 == '/') {
                pc += 2;
            } else if (c == '.') {
                if (pc + 1 < n) {
                    t.append('.');
                }
                pc++;
            } else if (c == '/') {
                if (t.isEmpty() || t.charAt(t.length() - 1) != '/') {
                    t.append('/');
                }
                pc++;
            } else {
                t.append((char) c);
                pc++;
            }
        }
        if (t.length() > 1 && t.charAt(t.length() - 1) == '/') {
            t.setLength(t.length() - 1);
        }
        return t.toString();
    }

    /** rewind_to_parent_path: back to just after the previous {@code /}, not before the second character. */
    private static void rewind(StringBuilder t) {
        int tc = t.length();
        if (tc <= 1) {
            return;
        }
        tc--;
        while (tc >= 1 && t.charAt(tc - 1) != '/') {
            tc--;
        }
        t.setLength(tc);
    }

    /** sanitize_string: control characters and non-ASCII removed. */
    private static String withoutInvalid(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c < 0x20 || c >= 0x7f;
            if (bad && b == null) {
                b = new StringBuilder(s.substring(0, i));
            } else if (!bad && b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    /** {@code path} against {@code base} ({@code path} itself when absolute), {@code .} and {@code ..} removed. */
    static String resolvePath(String base, String path) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String c : ((path.startsWith("/") ? "" : base + "/") + path).split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(c);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static String basename(String s) {
        if (s == null) {
            return "";
        }
        int i = s.lastIndexOf('/');
        return i < 0 ? s : s.substring(i + 1);
    }

    /** The parameter named {@code name} as a number (read in place), or {@link Long#MIN_VALUE} when it is none. */
    static long num(ScapEvent e, String name) {
        if (name == "res") { // the two names asked for most, from EventKinds' per-type table (no lookup by name)
            return e.num(EventKinds.res(e.type()));
        }
        if (name == "fd") {
            return e.num(EventKinds.fd(e.type()));
        }
        EventInfo info = e.infoOrNull();
        return info == null ? Long.MIN_VALUE : e.num(info.indexOf(name));
    }

    static String text(ScapEvent e, String name) {
        return e.value(name).orElse(null) instanceof ParamValue.Text t ? t.string() : null;
    }
}
