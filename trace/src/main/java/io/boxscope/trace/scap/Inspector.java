package io.boxscope.trace.scap;

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
 *
 * <p>This class owns the tables (with the thread found last, since a thread's events come in runs), pairs each
 * exit with its thread's enter and dispatches on the event's kind ({@link EventKinds}); the rules live beside it:
 * {@link ThreadRules} (clone, execve, chdir, setuid), {@link FdRules} (the fd table), {@link ScapPaths} (path
 * arithmetic). All are static calls on final classes, so the per-event path of {@code trace -r} allocates
 * nothing more than the new state itself and every call binds statically.
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
        /** The inspector's thread table, where {@link ScapPaths#mainThread} finds this thread's process leader. */
        final ThreadTable table;
        ScapEvent lastEnter;
        /**
         * The name the fd this event added had before its parsing (sinsp_fdinfo_t::m_oldname of the entry add_fd
         * copied: "" for a new one, the old fd's name for a dup), or null when the event being applied added none
         * ({@link FdRules#add}, read by {@link Inspector#apply} for fd.name_changed).
         */
        String addedOldName;
        /**
         * Whether the filter dropped this thread's last enter ({@link Inspector#filteredOut}): sinsp filters an enter
         * without EF_MODIFIES_STATE before parsing it, so it neither stores it (store_event) nor keeps its type as
         * m_lastevent_type, and the exit's retrieve_enter_event fails (used for the fd-limit calls).
         */
        boolean enterDropped;
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
        /**
         * The thread's PPM_CL_CLONE_THREAD flag: listed or cloned as a thread of its process, until an execve
         * (parse_execve_exit resets the flags). Such a thread holds a reference on its main thread.
         */
        boolean cloneThread;
        /**
         * sinsp_threadinfo::m_nchilds: how many threads with {@link #cloneThread} name this one as their main
         * thread. A procexit removes a thread only while it is 0 (sinsp_thread_manager::remove_thread), so a main
         * thread that exits before its other threads stays in the table, and they keep its cwd and fd table.
         */
        int nchilds;
        /** VmSize, VmRSS and VmSwap in kB and the fd limit, from the process list or the last clone/execve exit. */
        long vmsizeKb;
        long vmrssKb;
        long vmswapKb;
        long fdlimit;
        /**
         * sinsp_threadinfo::m_lastevent_fd: the fd of this thread's last enter that uses one (-1 after an enter
         * that uses none), or of the last fd a call of it created (add_fd, parse_accept_exit). 0 for every new
         * thread (sinsp_threadinfo::init; the capture's fd lists are loaded without add_fd). sysdig's fd.num is
         * this number, and the other fd.* fields fall back to its entry when the event has none of its own.
         */
        long lastEventFd;
        /**
         * sinsp_threadinfo's m_sid, m_vpgid, m_tty and m_loginuid (threadinfo.h, libs e5c53d64): the session id and
         * the process group id in the thread's PID namespace (-1 unset), the controlling terminal's device number
         * as /proc/PID/stat's tty_nr encodes it (0 none) and the audit login uid (-1 unset; 0 in sinsp_threadinfo::init).
         * See {@link ThreadSession} for where they come from and how they change.
         */
        long sid = -1;
        long vpgid = -1;
        int tty;
        int loginuid;
        /**
         * sinsp_threadinfo's m_env, m_exe_writable, m_pfmajor and m_pfminor (threadinfo.h, libs e5c53d64): the
         * environment (a process's, read through its main thread as get_env does), the execve exit's
         * PPM_EXE_WRITABLE flag, and the page fault counts of the last clone or execve exit (parse_clone_exit,
         * parse_execve_exit) or of the process list. {@link ThreadRules} keeps them.
         */
        List<String> env = List.of();
        boolean exeWritable;
        long pfMajor;
        long pfMinor;
        /**
         * The id of the container a container description past the file's initial state describes, for the
         * temporary thread sysdig gives that event ({@link Inspector#eventThread}); null for every real thread.
         */
        String describedContainer;

        Thread(long tid, long pid, String comm, String cwd, LongMap<Fd> fds, ThreadTable table) {
            this.tid = tid;
            this.table = table;
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

        /**
         * The process's working directory (its main thread's, as sinsp_threadinfo::get_cwd reads it), with its
         * final {@code /}; empty when unknown.
         */
        public String cwd() {
            return ScapPaths.cwdOf(this);
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

        /** The container of a container description's temporary thread ({@link Inspector#eventThread}), else null. */
        public String describedContainer() {
            return describedContainer;
        }

        /** The environment entries (NAME=value) this thread itself holds; see {@link #env}. */
        public List<String> env() {
            return env;
        }

        public boolean exeWritable() {
            return exeWritable;
        }

        public long pfMajor() {
            return pfMajor;
        }

        public long pfMinor() {
            return pfMinor;
        }

        /** sinsp_threadinfo::m_nchilds: on a main thread, how many threads of its process the table holds besides it. */
        public int nchilds() {
            return nchilds;
        }

        /** How many fds the table of this thread holds (sinsp_fdtable::size). */
        public int fdCount() {
            return fds.size();
        }

        /** The fd {@code fd} of this thread's process, or null. */
        public Fd fd(long fd) {
            return fds.get(fd);
        }

        /** The thread's last-event fd (sinsp's m_lastevent_fd: fd.num), -1 when its last enter used none. */
        public long lastEventFd() {
            return lastEventFd;
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

        public long vmswapKb() {
            return vmswapKb;
        }

        public long fdlimit() {
            return fdlimit;
        }

        /** The session id (proc.sid), -1 when unset. */
        public long sid() {
            return sid;
        }

        /** The process group id in the thread's PID namespace (proc.vpgid), -1 when unset. */
        public long vpgid() {
            return vpgid;
        }

        /** The controlling terminal's device number, encoded as /proc/PID/stat's tty_nr (proc.tty); 0 for none. */
        public int tty() {
            return tty;
        }

        /** The audit login uid (user.loginuid), -1 when unset. */
        public int loginuid() {
            return loginuid;
        }

        /** The fds this thread sees (its process's table when it shares it), by number. */
        public java.util.SortedMap<Long, Fd> fds() {
            return java.util.Collections.unmodifiableSortedMap(fds.sorted());
        }
    }

    /**
     * An open fd: its type, name and, for sockets, transport protocol (scap_l4_proto; 0 unknown). {@code connected}
     * is sinsp's FLAGS_SOCKET_CONNECTED (fd.connected, libs e5c53d64 fdinfo.h): set by a connect exit that succeeded
     * or returned EINPROGRESS, on accept's new fd, by a successful I/O exit on an IPv4/IPv6 socket, and for a TCP
     * socket of the capture's fd list; nothing clears it (sysdig does not track connection status), and dup, fcntl's
     * F_DUPFD and clone copy it with the rest of the entry.
     */
    public record Fd(FdType type, String name, int l4proto, int intendedL4, SocketTuples.Endpoints ends, int dev,
            boolean connected, int role) {
        /** No role yet (sinsp_fdinfo's FLAGS_ROLE_CLIENT and FLAGS_ROLE_SERVER both clear). */
        public static final int ROLE_NONE = 0;
        /** FLAGS_ROLE_CLIENT: set by connect, or guessed at a datagram call's tuple (set_net_role_by_guessing). */
        public static final int ROLE_CLIENT = 1;
        /** FLAGS_ROLE_SERVER: set by bind to a port, accept, or guessed. */
        public static final int ROLE_SERVER = 2;

        public Fd(FdType type, String name, int l4proto, int intendedL4, SocketTuples.Endpoints ends, int dev,
                  boolean connected) {
            this(type, name, l4proto, intendedL4, ends, dev, connected, ROLE_NONE);
        }

        public Fd(FdType type, String name, int l4proto, int intendedL4, SocketTuples.Endpoints ends, int dev) {
            this(type, name, l4proto, intendedL4, ends, dev, false);
        }

        /** This entry with {@code r} as its role (sinsp's set_role_client/set_role_server). */
        Fd withRole(int r) {
            return r == role ? this : new Fd(type, name, l4proto, intendedL4, ends, dev, connected, r);
        }

        public Fd(FdType type, String name, int l4proto, int intendedL4, SocketTuples.Endpoints ends) {
            this(type, name, l4proto, intendedL4, ends, 0);
        }

        /** This entry with sinsp's FLAGS_SOCKET_CONNECTED set or kept as it was (the entry replaced keeps its flags). */
        Fd withConnected(boolean c) {
            return c == connected ? this : new Fd(type, name, l4proto, intendedL4, ends, dev, c, role);
        }

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

    private final ThreadTable threads = new ThreadTable();
    /**
     * What thread.exectime and thread.totexectime remember, one {@link ExecTimes} per field occurrence: sysdig 0.29
     * keeps the per-CPU times of the last switch in each filter check (m_last_proc_switch_times, extract_exectime in
     * libsinsp's filterchecks.cpp) and the per-thread sum in that check's own private thread state, so an occurrence
     * sees only the switch events it was asked about (checked against sysdig -r: a format's totexectime after a filter
     * on totexectime starts from 0). Keyed by the FieldRef object (identity).
     */
    private final java.util.IdentityHashMap<Object, ExecTimes> execTimes = new java.util.IdentityHashMap<>();

    /** One occurrence's per-CPU last switch times and per-thread sums (weak: a removed thread's sum goes with it). */
    private static final class ExecTimes {
        long[] lastSwitch = new long[16];
        final java.util.WeakHashMap<Thread, long[]> total = new java.util.WeakHashMap<>();
        final java.util.WeakHashMap<Thread, long[]> lastCpu = new java.util.WeakHashMap<>();
    }
    private final Map<Integer, UserInfo> users = new HashMap<>();
    private final Map<Integer, String> groups = new HashMap<>();
    private final Map<String, Container> containers = new java.util.LinkedHashMap<>();
    private final List<InterfaceInfo> interfaces;
    private long removeAfter = -1;
    private Fd eventFd;
    /**
     * fd.name_changed (libs e5c53d64 parsers.cpp, end of process_event): the name the event's fd entry
     * (evt->m_fdinfo) had when it was looked up (m_oldname: sinsp_threadinfo::get_fd sets it; add_fd copies it), or
     * null when the event ends with no entry; compared with its name after parsing ({@link #eventFdRenamed}).
     */
    private String eventFdOldName;
    /** The thread and fd number of {@link #eventFdOldName}'s entry. */
    private Thread eventFdThread;
    private long eventFdNum;
    /**
     * The fd limit a getrlimit, setrlimit or prlimit exit sets ({@link #fdLimit}), not applied yet: sinsp filters those
     * events before it parses them (no EF_MODIFIES_STATE), so a filter sees the limit before the call and a dropped
     * event changes nothing ({@link #filteredOut}); a kept one is applied when its fields are formatted or at the
     * next event ({@link #settleFdLimit}). Null when none is pending.
     */
    private Thread fdLimitThread;
    /** The thread of the event just applied when it is an enter, else null ({@link #filteredOut}). */
    private Thread lastEnterThread;
    private long fdLimitValue;
    /**
     * The pid of a prlimit the tables lack whose fd limit is pending (as {@link #fdLimitThread}), or -1: sinsp adds a
     * thread for it when it parses the event, which it does only for an event its filter kept.
     */
    private long fdLimitNewTid = -1;
    /** The host names filters resolved (fd.cip.name ...), for the fields of every event of this inspector. */
    private final HostNames hostNames = new HostNames();
    /** The thread {@link #thread} found last (still in {@link #threads}), or null. */
    private Thread cachedThread;
    /**
     * sinsp::consume_initialstate_events (libsinsp sinsp.cpp): while opening a file, libsinsp parses the container
     * descriptions that come before any other event and returns none of them; one that comes later is returned as
     * an event like any other. True until an event that is not a container description is applied.
     */
    private boolean initialState = true;
    /** Whether the container description applied last came in the initial state (see {@link #initialState}). */
    private boolean initialContainer;
    /** The temporary thread of the container description applied last past the initial state, else null. */
    private Thread containerThread;

    public Inspector(CaptureTables tables) {
        Map<Long, LongMap<Fd>> byPid = new HashMap<>();
        for (ThreadInfo t : tables.threads()) {
            // a listed thread shares its process's table only with CLONE_FILES (libscap's proc scan sets it
            // on every non-leader thread; a thread without it has a table of its own)
            LongMap<Fd> fds = t.tid() == t.pid() || (t.flags() & ThreadRules.CLONE_FILES) != 0
                    ? byPid.computeIfAbsent(t.pid(), k -> new LongMap<>()) : new LongMap<>();
            Thread th = new Thread(t.tid(), t.pid(), t.comm(), t.cwd(), fds, threads);
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
            th.vmswapKb = Integer.toUnsignedLong(t.vmswapKb());
            th.fdlimit = t.fdlimit();
            th.cloneThread = (t.flags() & ThreadRules.CLONE_THREAD) != 0;
            th.env = ThreadRules.env(t.env());
            th.exeWritable = t.exeWritable();
            th.pfMajor = t.pfMajor();
            th.pfMinor = t.pfMinor();
            ThreadSession.listed(th, t);
            threads.put(th);
        }
        ThreadRules.countChildren(threads);
        // sinsp_thread_manager::fix_sockets_coming_from_proc (threadinfo.cpp): an IPv4 connection of the fd list
        // whose source port is the port of a server socket (IPv4 or IPv6: add_fd_from_scap notes both in m_server_ports)
        // of any fd list is the server's end; sinsp turns it round (the client first), names it so and makes it a
        // server; any other IPv4 connection of the list a client
        java.util.Set<Integer> serverPorts = new java.util.HashSet<>();
        for (List<FdInfo> list : tables.fds().values()) {
            for (FdInfo f : list) {
                if (f.type() == FdType.IPV4_SERVSOCK || f.type() == FdType.IPV6_SERVSOCK) {
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
        tables.users().forEach(u -> users.put(u.uid(), u)); // a later entry of a uid replaces an earlier one, as before
        tables.groups().forEach(g -> groups.put(g.gid(), g.name()));
    }

    /**
     * One fd of the capture's fd list as sinsp_threadinfo::add_fd_from_scap (libs e5c53d64 threadinfo.cpp) and then
     * fix_sockets_coming_from_proc make it: an IPv6 connection whose two addresses are IPv4-mapped is an IPv4 one (the
     * addresses' last 4 bytes); an IPv4 connection gets a role (server, turned round, when its source port is a server
     * socket's of {@code serverPorts}; else client); an IPv6 connection none, so fd.l4proto has no value on it
     * (sinsp_fdinfo::get_l4proto) until a datagram's role guess; a TCP connection is connected.
     */
    private static Fd fromTable(FdInfo f, java.util.Set<Integer> serverPorts) {
        FdInfo.SocketInfo s = f.socket();
        FdType type = f.type();
        if (type == FdType.IPV6_SOCK && ParamValue.SockTuple.isMapped(s.sip()) && ParamValue.SockTuple.isMapped(s.dip())) {
            type = FdType.IPV4_SOCK;
            s = new FdInfo.SocketInfo(java.util.Arrays.copyOfRange(s.sip(), 12, 16), s.sport(),
                    java.util.Arrays.copyOfRange(s.dip(), 12, 16), s.dport(), s.l4proto(), s.unixSource(), s.unixDest());
        }
        boolean server = type == FdType.IPV4_SOCK && serverPorts.contains(s.sport());
        if (server) {
            s = new FdInfo.SocketInfo(s.dip(), s.dport(), s.sip(), s.sport(), s.l4proto(), s.unixSource(), s.unixDest());
        }
        SocketTuples.Endpoints ends = switch (type) {
            case IPV4_SOCK, IPV6_SOCK -> new SocketTuples.Endpoints(s.sip(), s.sport(), s.dip(), s.dport());
            default -> null;
        };
        return switch (type) {
            case IPV4_SOCK -> new Fd(type, EventFormatter.tuple(s.sip(), s.sport(), s.dip(), s.dport()), s.l4proto(),
                    0, ends, 0, s.l4proto() == 2, server ? Fd.ROLE_SERVER : Fd.ROLE_CLIENT);
            case IPV6_SOCK -> new Fd(type, EventFormatter.tuple(s.sip(), s.sport(), s.dip(), s.dport()), 0,
                    s.l4proto(), ends, 0, s.l4proto() == 2);
            case IPV4_SERVSOCK, IPV6_SERVSOCK -> new Fd(type, EventFormatter.address(s.sip(), s.sport()), s.l4proto());
            default -> new Fd(type, f.name(), 0, 0, null, f.dev()); // FILE_V2's dev (0 for the other kinds)
        };
    }

    /**
     * A container as the capture file describes it (libsinsp's container event: its JSON's
     * {@code container.id}, {@code name}, {@code image}, {@code imageid}, {@code imagerepo}, {@code imagetag}, and
     * {@code type}, libsinsp's sinsp_container_type number, -1 when absent).
     */
    public record Container(String id, String name, String image, int type, String imageId, String imageRepo,
            String imageTag, boolean privileged, List<Mount> mounts) {
        public Container(String id, String name, String image, int type, String imageId, String imageRepo, String imageTag) {
            this(id, name, image, type, imageId, imageRepo, imageTag, false, List.of());
        }
    }

    /**
     * One entry of a container description's {@code Mounts} (container_mount_info: Source, Destination, Mode, RW,
     * Propagation), printed {@code source:dest:mode:rdwr:propagation} as its to_string does.
     */
    public record Mount(String source, String dest, String mode, boolean rdwr, String propagation) {
        @Override
        public String toString() {
            return source + ":" + dest + ":" + mode + ":" + rdwr + ":" + propagation;
        }
    }

    /** Whether the event is a container description (PPME_CONTAINER_E, _JSON_E, _JSON_2_E: sysdig -w writes them first). */
    public static boolean isContainerEvent(EventInfo info) {
        return info.name().equals("container");
    }

    /**
     * Whether the event is a container description, by type: libsinsp parses these and never returns them to
     * sysdig's loop, so sysdig -r's {@code -n} does not count them (sysdig 0.29 on a file of its own or of
     * {@code trace -w}: {@code -n 5} prints five lines after the descriptions), nor do chisels see them.
     */
    public static boolean isContainerEvent(ScapEvent e) {
        return (EventKinds.flags(e.type()) & EventKinds.CONTAINER) != 0;
    }

    /** Records the container {@code e} describes and returns it; null when it describes none this reader decodes. */
    private Container container(ScapEvent e) {
        if (!(e.value("json").orElse(null) instanceof ParamValue.Text text)) {
            return null; // the old PPME_CONTAINER_E (id, type, name, image) is not decoded
        }
        try {
            Object root = io.boxscope.proc.json.Json.parse(text.string());
            if (root instanceof Map<?, ?> m && m.get("container") instanceof Map<?, ?> c && c.get("id") instanceof String id) {
                Container known = new Container(id, string(c, "name"), string(c, "image"),
                        c.get("type") instanceof Number n ? n.intValue() : -1, string(c, "imageid"),
                        string(c, "imagerepo"), string(c, "imagetag"), c.get("privileged") instanceof Boolean b && b,
                        mounts(c.get("Mounts")));
                containers.put(id, known);
                return known;
            }
        } catch (RuntimeException bad) {
            // a container event whose JSON does not parse describes nothing; sysdig ignores it the same way
        }
        return null;
    }

    /** parse_container_json_evt's Mounts: each object's Source, Destination, Mode, RW and Propagation. */
    private static List<Mount> mounts(Object list) {
        if (!(list instanceof List<?> l)) {
            return List.of();
        }
        List<Mount> out = new java.util.ArrayList<>();
        for (Object o : l) {
            if (o instanceof Map<?, ?> m) {
                out.add(new Mount(java.util.Objects.toString(string(m, "Source"), ""), java.util.Objects.toString(string(m, "Destination"), ""),
                        java.util.Objects.toString(string(m, "Mode"), ""),
                        m.get("RW") instanceof Boolean b && b, java.util.Objects.toString(string(m, "Propagation"), "")));
            }
        }
        return List.copyOf(out);
    }

    /**
     * The thread libsinsp gives a container description it returns as an event (parse_container_json_evt sets the
     * event's thread to sinsp_container_info::get_tinfo, which is in no table): tid and pid -1, vtid and vpid -2,
     * comm {@code container:ID}, the container's id; every other value as sinsp_threadinfo::init leaves it (parent
     * 0, uid, gid and loginuid 0, no exe, args, cwd or session, fd limit -1). sysdig 0.29 -r prints these values.
     */
    private Thread containerThread(Container c) {
        Thread t = new Thread(-1, -1, "container:" + c.id(), null, new LongMap<>(), threads);
        t.vtid = -2;
        t.vpid = -2;
        t.ptid = 0;
        t.uid = 0;
        t.gid = 0;
        t.exe = "";
        t.exepath = "";
        t.fdlimit = -1;
        t.describedContainer = c.id();
        return t;
    }

    /**
     * Whether {@code e}, the event just applied, is a container description of the file's initial state, which
     * sysdig parses without returning it (not printed, not counted by {@code -n}, not filtered, not seen by
     * chisels). A later one is an event like any other ({@link #eventThread}): sysdig -r prints
     * {@code container:ID (-1) > container json=...} for it.
     */
    public boolean initialStateEvent(ScapEvent e) {
        return isContainerEvent(e) && initialContainer;
    }

    /**
     * The time since the last switch event on {@code cpu} that {@code occurrence} (a field of a filter or format)
     * was asked about, 0 on its first there; records {@code ts} as that CPU's last switch (extract_exectime).
     */
    long sinceLastSwitch(Object occurrence, int cpu, long ts) {
        if (cpu < 0) {
            return 0;
        }
        ExecTimes x = execTimes.computeIfAbsent(occurrence, k -> new ExecTimes());
        if (cpu >= x.lastSwitch.length) {
            x.lastSwitch = java.util.Arrays.copyOf(x.lastSwitch, Math.max(cpu + 1, x.lastSwitch.length * 2));
        }
        long res = x.lastSwitch[cpu] != 0 ? ts - x.lastSwitch[cpu] : 0;
        x.lastSwitch[cpu] = ts;
        return res;
    }

    /**
     * {@code occurrence}'s last CPU total of {@code t} (0 the first time), replaced by {@code now}: thread.cpu's
     * private per-thread state (extract_thread_cpu's m_last_t_tot_cpu, one slot per use of the field).
     */
    long swapCpu(Object occurrence, Thread t, long now) {
        long[] last = execTimes.computeIfAbsent(occurrence, k -> new ExecTimes()).lastCpu.computeIfAbsent(t, k -> new long[1]);
        long before = last[0];
        last[0] = now;
        return before;
    }

    /** {@code occurrence}'s sum for {@code t} plus {@code add}, kept as the new sum (TYPE_TOTEXECTIME). */
    long addExecTime(Object occurrence, Thread t, long add) {
        long[] sum = execTimes.computeIfAbsent(occurrence, k -> new ExecTimes()).total.computeIfAbsent(t, k -> new long[1]);
        sum[0] += add;
        return sum[0];
    }

    /**
     * The thread of {@code e}, the event just applied: the table's thread of its tid, or for a container
     * description past the initial state the temporary thread sysdig gives it (null when it describes no
     * container this reader decodes).
     */
    public Thread eventThread(ScapEvent e) {
        return isContainerEvent(e) ? containerThread : thread(e.tid());
    }

    /** Every container the file has described so far, in the file's order (lscontainers). */
    public java.util.Collection<Container> containers() {
        return java.util.Collections.unmodifiableCollection(containers.values());
    }

    private static String string(Map<?, ?> json, String key) {
        return json.get(key) instanceof String s ? s : null;
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
        UserInfo u = users.get(uid);
        return u == null ? null : u.name();
    }

    /** The user list's entry for {@code uid} (name, home directory, shell), or null (sinsp::get_user). */
    public UserInfo userInfo(int uid) {
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
        settleFdLimit();
        if (removeAfter >= 0) {
            Thread gone = threads.get(removeAfter);
            if (gone != null && ThreadRules.remove(gone, false) && cachedThread == gone) {
                cachedThread = null;
            }
            removeAfter = -1;
        }
        eventFd = null;
        eventFdOldName = null;
        eventFdThread = null;
        lastEnterThread = null;
        containerThread = null;
        EventInfo info = e.infoOrNull();
        int etype = e.type();
        int kind = info == null ? 0 : EventKinds.flags(etype);
        if ((kind & EventKinds.CONTAINER) != 0) {
            // describes a container; its tid (-1) is no thread of the table
            Container c = container(e);
            initialContainer = initialState;
            if (!initialState && c != null) {
                containerThread = containerThread(c);
            }
            return;
        }
        initialState = false;
        if (info == null) {
            return;
        }
        boolean internal = (kind & EventKinds.INTERNAL) != 0;
        boolean isEnter = (kind & EventKinds.ENTER) != 0;
        Thread t = thread(e.tid());
        if (t == null && !internal) {
            // a thread the tables do not list: sinsp creates it, nameless (proc.name <NA>) until an execve names it
            t = ThreadRules.fake(e.tid(), threads);
            cachedThread = t;
        }
        if (t != null) {
            t.addedOldName = null;
        }
        // sinsp's reset looks the enter's fd up (get_fd: its m_oldname) before connect's or sendto's enter renames it
        Fd lookedUp = t != null && !internal && isEnter && (kind & EventKinds.SKIP_RESET) == 0
                && (kind & EventKinds.USES_FD) != 0 && e.isNum(0) ? t.fds.get(e.num(0)) : null;
        long lookedUpNum = lookedUp == null ? -1 : e.num(0);
        if (t != null && isEnter && (kind & EventKinds.CONNECT) != 0) {
            FdRules.connectEnter(e, t);
        }
        if (t != null && isEnter && info.name().equals("sendto")) {
            FdRules.sendtoEnter(e, t);
        }
        if (t != null && !internal && isEnter && (kind & EventKinds.SKIP_RESET) == 0) {
            enterFd(e, t, kind);
        } else if (t != null && !isEnter && (kind & EventKinds.USES_FD) != 0 && FdRules.paired(t, etype)) {
            // sinsp's reset: an exit that pairs with its enter has the enter's fd entry (taken before parsing)
            eventFd = t.fds.get(t.lastEventFd);
            lookedUp = eventFd;
            lookedUpNum = t.lastEventFd;
        }
        if (isEnter) {
            if (t != null) {
                t.enterDropped = false;
                lastEnterThread = t;
            }
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
            settleOldName(t, lookedUp, lookedUpNum);
            return;
        }
        switch (EventKinds.op(etype)) {
            case NONE -> {
            }
            case CLONE -> {
                ThreadRules.clone(e, t, threads);
                cachedThread = null; // the clone may have replaced entries (a reused tid, an invalid caller)
            }
            case EXECVE -> ThreadRules.execve(e, t);
            case OPEN -> FdRules.open(e, t, etype);
            case SOCKET -> FdRules.socket(e, t);
            case CONNECT -> FdRules.connect(e, t, interfaces);
            case SENDRECV -> FdRules.sendRecv(e, info, t, interfaces);
            case BIND -> FdRules.bind(e, t);
            case ACCEPT -> FdRules.accept(e, t);
            case DUP -> FdRules.dup(e, t);
            case FCNTL -> FdRules.fcntl(e, t);
            case NEWFD -> FdRules.newFd(e, info, t);
            case PIPE -> FdRules.pipe(e, t);
            case SOCKETPAIR -> FdRules.socketpair(e, t);
            case SETID -> ThreadRules.setId(e, info, t);
            case SETSID -> ThreadSession.setsid(e, t);
            case RLIMIT -> fdLimit(e, info, t);
            case CLOSE -> FdRules.close(e, t, etype, eventFd);
            case CHDIR -> ThreadRules.chdir(e, t);
            case FCHDIR -> ThreadRules.fchdir(e, t, eventFd);
        }
        if (eventFd != null && (kind & EventKinds.RW) != 0) {
            FdRules.ioDone(e, etype, t, eventFd);
        }
        if (eventFd != null) {
            Fd now = t.fds.get(t.lastEventFd);
            if (now != null) {
                eventFd = now; // connect renamed it; close removed it and the name before stays
            }
        }
        settleOldName(t, lookedUp, lookedUpNum);
    }

    /** {@link #eventFdOldName} once the event is parsed: an added fd's copied old name, else the looked-up one's. */
    private void settleOldName(Thread t, Fd lookedUp, long lookedUpNum) {
        eventFdThread = t;
        if (t != null && t.addedOldName != null) {
            eventFdOldName = t.addedOldName;
            eventFdNum = t.lastEventFd;
            t.addedOldName = null;
        } else {
            eventFdOldName = lookedUp == null ? null : lookedUp.name();
            eventFdNum = lookedUpNum;
        }
    }

    /**
     * fd.name_changed of the event just applied (libs e5c53d64 parsers.cpp process_event: evt->m_fdinfo's m_name
     * against its m_oldname): whether its fd entry's name after parsing differs from the name it had when the event
     * looked it up, "" for an fd the event created (an open, socket, accept: true when it named it); false when the
     * event ended with no entry (a failed open).
     */
    public boolean eventFdRenamed() {
        if (eventFdOldName == null || eventFdThread == null) {
            return false;
        }
        // the entry's own name (m_name), not the one a failed connect's fields show (extract_fdname_from_creator);
        // an entry the event removed (a close) keeps its name
        Fd now = eventFdThread.fds.get(eventFdNum);
        return now != null && !now.name().equals(eventFdOldName);
    }

    /**
     * parse_getrlimit_setrlimit_exit and parse_prlimit_exit (libs e5c53d64 parsers.cpp): a successful call whose enter
     * the thread's last one is (retrieve_enter_event) and whose resource is RLIMIT_NOFILE (PPM_RLIMIT_NOFILE 7) sets
     * the process's fd limit (its main thread's m_fdlimit: proc.fdlimit) to the exit's cur (getrlimit, setrlimit) or
     * newcur (prlimit, on the process of its pid argument, 0 the caller's), unless that is -1 (RLIM_INFINITY, or
     * prlimit not setting one). Kept pending until the filter had its say ({@link #fdLimitThread}). A prlimit on a pid
     * the tables lack makes sinsp add that thread (get_thread_ref(tid, query_os_if_not_found true): a capture file
     * cannot be queried, so it is threadinfo.cpp's fake entry, its own process, nameless) and give it the limit: the
     * same entry {@link ThreadRules#fake} makes for an event of an unknown thread, added when the limit is applied.
     */
    private void fdLimit(ScapEvent e, EventInfo info, Thread t) {
        if (t == null || !FdRules.paired(t, e.type()) || t.enterDropped || !e.isNum(0) || e.num(0) < 0 || !e.isNum(1)) {
            return;
        }
        ScapEvent enter = t.lastEnter;
        boolean pr = info.name().equals("prlimit");
        int resource = enter.infoOrNull() == null ? -1 : enter.infoOrNull().indexOf("resource");
        if (resource < 0 || !enter.isNum(resource) || (enter.num(resource) & 0xff) != 7) {
            return;
        }
        long cur = e.num(1);
        if (cur == -1) {
            return;
        }
        Thread target = t;
        if (pr) {
            long tid = enter.isNum(0) ? enter.num(0) : 0;
            target = tid == 0 ? t : threads.get(tid);
            if (target == null) {
                fdLimitNewTid = tid;
                fdLimitValue = cur;
                return;
            }
        }
        Thread main = target == null ? null : target.tid == target.pid ? target : threads.get(target.pid);
        if (main != null) {
            fdLimitThread = main;
            fdLimitValue = cur;
        }
    }

    /** Applies the fd limit the last event set, if any ({@link #fdLimitThread}): the filter kept it, or there is none. */
    public void settleFdLimit() {
        if (fdLimitNewTid != -1) {
            Thread added = threads.get(fdLimitNewTid);
            fdLimitThread = added != null ? added : ThreadRules.fake(fdLimitNewTid, threads);
            fdLimitNewTid = -1;
        }
        if (fdLimitThread != null) {
            fdLimitThread.fdlimit = fdLimitValue;
            fdLimitThread = null;
        }
    }

    /**
     * The filter dropped the event just applied: what sinsp parses only for the events its filter keeps (those without
     * EF_MODIFIES_STATE that change its tables: the fd-limit calls) is forgotten.
     */
    public void filteredOut() {
        fdLimitThread = null;
        fdLimitNewTid = -1;
        if (lastEnterThread != null) {
            lastEnterThread.enterDropped = true; // the exit then finds no stored enter (retrieve_enter_event)
        }
    }

    /** The host names filters on fd.cip.name, fd.sip.name, fd.lip.name and fd.rip.name resolved ({@link HostNames}). */
    public HostNames hostNames() {
        return hostNames;
    }

    /**
     * sinsp_parser::reset for an enter event: the thread's last-event fd is the event's first parameter when
     * the event uses an fd (EF_USES_FD: the fd is always the first parameter of such an enter), else -1; the
     * event's fd entry is that fd's.
     */
    private void enterFd(ScapEvent e, Thread t, int kind) {
        t.lastEventFd = -1;
        if ((kind & EventKinds.USES_FD) != 0 && e.isNum(0)) {
            t.lastEventFd = e.num(0);
            eventFd = t.fds.get(t.lastEventFd);
        }
    }

    /**
     * The fd entry of the last applied event (sysdig's fd.* fields), or null. As sinsp_filter_check_fd::extract_fd:
     * the event's own entry (an enter's fd, a paired exit's, the fd a call created), else the entry of the
     * thread's last-event fd ({@link Thread#lastEventFd}) unless that is -1. So an exit whose enter the capture
     * does not hold (the file's first events) shows the fd of the thread's previous fd event, and a thread the
     * capture's tables list shows its fd 0 until its first enter.
     */
    public Fd eventFd(ScapEvent e) {
        EventInfo ei = e.infoOrNull();
        int kind = EventKinds.flags(e.type());
        boolean enter = (kind & EventKinds.ENTER) != 0;
        // a UDP server's connect swapped the tuple (FdRules.connect): sinsp shows the socket as it names it
        if (ei != null && !enter && (kind & EventKinds.CONNECT) != 0 && eventFd != null
                && !(eventFd.role() == Fd.ROLE_SERVER && eventFd.l4proto() == 3)
                && e.value("tuple").orElse(null) instanceof ParamValue.SockTuple raw && raw.family() != 1) {
            ParamValue.SockTuple st = raw.sinspView();
            SocketTuples.Endpoints ends = new SocketTuples.Endpoints(st.sip(), st.sport(), st.dip(), st.dport());
            // an IPv4-mapped tuple: an IPv4 socket named with the protocol its memory holds (FdRules.connect)
            Fd base = raw.mapped() ? SocketTuples.ipv4View(eventFd) : eventFd;
            // a socket of the fd list the list could not resolve has no protocol in its memory: FdRules.connect named it
            // <unknown>, as sinsp does
            String name = raw.mapped() ? SocketTuples.name(FdType.IPV4_SOCK, ends, SocketTuples.stored(base))
                    : base.l4proto() == 0 && base.intendedL4() == 0 && base.name().equals("<unknown>") ? base.name()
                    : EventFormatter.tuple(st.sip(), st.sport(), st.dip(), st.dport());
            return new Fd(base.type(), name, base.l4proto(), base.intendedL4(), ends, eventFd.dev(), eventFd.connected(),
                    eventFd.role());
        }
        if (eventFd != null) {
            return eventFd;
        }
        if (ei == null || (kind & (EventKinds.USES_FD | EventKinds.CREATES_FD | EventKinds.DESTROYS_FD)) == 0) {
            return null;
        }
        Thread t = thread(e.tid());
        return t == null || t.lastEventFd == -1 ? null : t.fds.get(t.lastEventFd);
    }
}
