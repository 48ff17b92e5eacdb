package io.boxscope.trace.scap;

import io.boxscope.trace.scap.Inspector.Fd;
import io.boxscope.trace.scap.Inspector.Thread;

import static io.boxscope.trace.scap.EventParams.num;

import java.util.List;

/**
 * How events change a thread's fd table, the way libsinsp's parsers do (userspace/libsinsp/parsers.cpp):
 * open/openat/openat2/creat, socket, accept, pipe, eventfd and friends add fds, connect, bind and the
 * datagram calls name a socket after its address or tuple, dup and fcntl(F_DUPFD) copy one, close removes it.
 * {@link Inspector#apply} calls one of these per exit event (connect's enter too); most fds' parameter is in
 * the thread's last enter event, which {@link Inspector} keeps.
 */
final class FdRules {
    private FdRules() {}

    /** parse_open_openat_creat_exit: a new fd named as {@link #openedName} builds it, a file or (PPM_O_DIRECTORY) a directory. */
    static void open(ScapEvent e, Thread t, int etype) {
        long fd = e.num(EventKinds.fd(etype));
        ScapEvent from = t != null && fd >= 0 ? nameSource(t, e, etype) : e;
        String name = fd >= 0 ? openedName(t, from) : null;
        if (t != null && fd >= 0 && name != null) {
            // parse_open_openat_creat_exit: PPM_O_DIRECTORY (1 << 10) in the flags makes a directory fd
            long flags = num(from, "flags");
            boolean dir = flags != Long.MIN_VALUE && (flags & (1 << 10)) != 0;
            // the exit's own dev (open, creat, openat's second version; openat2's exit has none), 0 without it
            long dev = num(e, "dev");
            add(t, fd, new Fd(dir ? FdType.DIRECTORY : FdType.FILE_V2, name, 0, 0, null, dev == Long.MIN_VALUE ? 0 : (int) dev));
        }
    }

    /**
     * The event whose name, flags and dirfd name an open's fd: parse_open_openat_creat_exit (libs e5c53d64
     * parsers.cpp) takes them from the enter when the exit pairs with it (retrieve_enter_event), the enter has
     * them all (open 2 parameters, openat and openat2 3, creat 1), and its name has a length other than 0 and is
     * not {@code (NULL)}. An empty string is one NUL byte (length 1), so an enter whose name the probe read as ""
     * (a page not yet faulted in) wins and the fd is named after the directory; only a parameter of length 0
     * (unreadable) leaves the exit's name. The old openat exit has no name: sinsp always reads its enter's.
     */
    static ScapEvent nameSource(Thread t, ScapEvent e, int etype) {
        if (!paired(t, etype)) {
            return e;
        }
        ScapEvent enter = t.lastEnter;
        EventInfo info = enter.infoOrNull();
        int name = info == null ? -1 : info.indexOf("name");
        if (name < 0 || enter.params().size() <= Math.max(name, info.indexOf("flags"))) {
            return e;
        }
        EventInfo exit = e.infoOrNull();
        if (exit != null && exit.indexOf("name") < 0) {
            return enter;
        }
        return enter.paramLength(name) != 0 && !isNullMarker(enter, name) ? enter : e;
    }

    /** Whether string parameter {@code i} reads {@code (NULL)} up to its first NUL (sinsp's strcmp). */
    private static boolean isNullMarker(ScapEvent e, int i) {
        String marker = "(NULL)";
        int n = e.paramLength(i);
        for (int k = 0; k < marker.length(); k++) {
            if (k >= n || e.paramByte(i, k) != marker.charAt(k)) {
                return false;
            }
        }
        return n == marker.length() || e.paramByte(i, marker.length()) == 0;
    }

    /** parse_socket_exit: a new socket of the enter event's domain, the protocol it asked for kept aside. */
    static void socket(ScapEvent e, Thread t) {
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
            add(t, fd, new Fd(type, "", 0, l4));
        }
    }

    /**
     * parse_connect_exit: the socket marked connected (set_socket_connected: success or EINPROGRESS, sysdig not
     * tracking connection status) and named after the exit's tuple.
     */
    static void connect(ScapEvent e, Thread t, List<InterfaceInfo> interfaces) {
        long res = num(e, "res");
        if (t != null && t.lastEnter != null && (res >= 0 || res == -115)) { // parse_connect_exit: success or EINPROGRESS
            long fd = num(t.lastEnter, "fd");
            Fd old = t.fds.get(fd);
            if (old != null && e.value("tuple").orElse(null) instanceof ParamValue.SockTuple st) {
                if (st.family() == 1) {
                    t.fds.put(fd, new Fd(old.type(), Long.toHexString(st.unixSource()) + "->"
                            + Long.toHexString(st.unixDest()) + " " + st.path(), 0, old.intendedL4(), null, old.dev(), true));
                } else {
                    // fill_client_socket_info: an AF_INET6 tuple of IPv4-mapped addresses makes the socket an IPv4 one,
                    // which keeps the protocol its memory holds (none for an AF_INET6 socket: named <unknown>); it never
                    // sets the protocol itself, so a socket of the capture's fd list that the list could not resolve
                    // (socket:[INODE], its memory zeros) is named <unknown> and has no fd.l4proto after its connect
                    int l4 = unresolved(old) ? 0 : named(old);
                    if (st.mapped()) {
                        old = SocketTuples.ipv4View(old);
                        st = st.sinspView();
                        l4 = SocketTuples.stored(old);
                    }
                    Fd now = SocketTuples.update(old, st, l4, interfaces);
                    if (now != null && old.role() == Fd.ROLE_SERVER && now.l4proto() == 3) {
                        // fill_client_socket_info (libs e5c53d64 parsers.cpp): a UDP server's connect that changed the
                        // tuple swaps it (swap_addresses), so the peer stays the client
                        SocketTuples.Endpoints x = now.ends();
                        now = SocketTuples.renamed(new Fd(now.type(), now.name(), now.l4proto(), now.intendedL4(),
                                new SocketTuples.Endpoints(x.dip(), x.dport(), x.sip(), x.sport()), now.dev(), now.connected(),
                                now.role()), now.l4proto());
                    }
                    // fill_client_socket_info: a socket without a role becomes a client
                    Fd named = (now != null ? now : SocketTuples.renamed(old, l4)).withConnected(true);
                    t.fds.put(fd, named.role() == Fd.ROLE_NONE ? named.withRole(Fd.ROLE_CLIENT) : named);
                }
            } else if (old != null) {
                t.fds.put(fd, old.withConnected(true)); // set_socket_connected comes before the tuple is read
            }
        }
    }

    /**
     * A datagram socket learns its peer from these calls' tuples (parse_rw_exit: tuple of sendto's and
     * sendmsg's enter event, recvfrom's and recvmsg's exit event), unless it is a named TCP socket. A server socket
     * of the capture's fd list (SCAP_FD_IPV4_SERVSOCK/_IPV6_SERVSOCK, no role: add_fd_from_scap) takes them too, as
     * parse_rw_exit calls update_fd for any fd but a named IPv4 TCP one: an IPv4 tuple makes it an IPv4 socket whose
     * role is guessed ({@link SocketTuples#datagram}), an IPv6 one leaves it a server socket named after the tuple.
     */
    static void sendRecv(ScapEvent e, EventInfo info, Thread t, List<InterfaceInfo> interfaces) {
        if (t != null && t.lastEnter != null && num(e, "res") >= 0) {
            long fd = num(t.lastEnter, "fd");
            Fd old = t.fds.get(fd);
            ScapEvent withTuple = info.name().startsWith("send") ? t.lastEnter : e;
            // a server socket: bound during the capture (an inet socket named ADDR:PORT), or listed in the capture's fd
            // list; one bound to an IPv6 port stays a server socket after its datagrams (SocketTuples.datagram)
            boolean server = old != null && (old.type() == FdType.IPV4_SERVSOCK || old.type() == FdType.IPV6_SERVSOCK);
            if (old != null && old.type() == FdType.UNSUPPORTED
                    && withTuple.value("tuple").orElse(null) instanceof ParamValue.SockTuple st6 && st6.family() == 10 && !st6.mapped()) {
                Fd now = SocketTuples.ipv6OverUnsupported(old, st6);
                if (now != null) {
                    t.fds.put(fd, now);
                }
                return;
            }
            if (old != null && old.type() == FdType.UNSUPPORTED
                    && withTuple.value("tuple").orElse(null) instanceof ParamValue.SockTuple st
                    && (st.family() == 2 || st.mapped())) {
                // a socket the capture's fd list could not resolve (one not yet bound is in no /proc/net table: the
                // list has it as socket:[INODE]): update_fd makes any fd an IPv4 socket for an IPv4 tuple, its memory
                // zeros, no role yet
                old = new Fd(FdType.IPV4_SOCK, old.name(), 0, 0, null, old.dev(), old.connected());
            }
            if (old != null && (old.type() == FdType.IPV4_SOCK || old.type() == FdType.IPV6_SOCK || server)
                    && (old.name().isEmpty() || old.l4proto() != 2)
                    && withTuple.value("tuple").orElse(null) instanceof ParamValue.SockTuple st && st.family() != 1) {
                Fd now = SocketTuples.datagram(t.fds, fd, old, st, old.l4proto() != 0 ? old.l4proto() : 3, interfaces,
                        !info.name().startsWith("send"));
                if (now != null) {
                    t.fds.put(fd, now);
                }
            }
        }
    }

    /**
     * parse_rw_exit (libs e5c53d64 parsers.cpp): a read, write, send or receive exit that pairs with its enter and
     * succeeded marks an IPv4/IPv6 socket connected (set_socket_connected; a datagram socket too). Only the
     * connection-status tracking sysdig leaves off clears it on failure. It looks at the socket as the event found it
     * ({@code before}): one bound to a port is a server socket (SCAP_FD_IPV4_SERVSOCK) there until the datagram's
     * tuple makes it an IPv4 socket, so its first datagram leaves it unconnected.
     */
    static void ioDone(ScapEvent e, int etype, Thread t, Fd before) {
        Fd now = t.fds.get(t.lastEventFd);
        if (now != null && !now.connected() && (now.type() == FdType.IPV4_SOCK || now.type() == FdType.IPV6_SOCK)
                && before != null && (before.type() == FdType.IPV4_SOCK || before.type() == FdType.IPV6_SOCK)
                && SocketTuples.bound(before) == null
                && EventKinds.res(etype) >= 0 && e.num(EventKinds.res(etype)) >= 0) {
            t.fds.put(t.lastEventFd, now.withConnected(true));
        }
    }

    /** parse_bind_exit: the socket named after the address it was bound to. */
    static void bind(ScapEvent e, Thread t) {
        if (t != null && t.lastEnter != null && num(e, "res") >= 0
                && e.value("addr").orElse(null) instanceof ParamValue.SockAddr a && (a.family() == 2 || a.family() == 10)) {
            long fd = num(t.lastEnter, "fd");
            Fd old = t.fds.get(fd);
            if (old != null) {
                // a server socket (a port to listen on) shows its protocol; a client bound to port 0 not yet
                int l4 = a.port() != 0 ? named(old) : old.l4proto();
                // parse_bind_exit: a port makes it a server socket (SCAP_FD_IPV4_SERVSOCK, set_role_server); an
                // IPv4-mapped or zero IPv6 address (::) an IPv4 one, its address the last 4 bytes (SocketTuples.bound)
                FdType type = a.port() != 0 && a.mapped() ? FdType.IPV4_SOCK : old.type();
                t.fds.put(fd, new Fd(type, EventFormatter.address(a.addr(), a.port()), l4, old.intendedL4(), null, old.dev(),
                        old.connected(), a.port() != 0 ? Fd.ROLE_SERVER : old.role()));
            }
        } else if (t != null && t.lastEnter != null && num(e, "res") >= 0
                && e.value("addr").orElse(null) instanceof ParamValue.SockAddr a && a.family() == 1) {
            // parse_bind_exit names any socket after the address it was bound to: a unix socket its path
            long fd = num(t.lastEnter, "fd");
            Fd old = t.fds.get(fd);
            if (old != null) {
                t.fds.put(fd, new Fd(old.type(), a.path(), old.l4proto(), old.intendedL4(), null, old.dev(), old.connected()));
            }
        }
    }

    /** parse_accept_exit: a new connected socket (set_socket_connected, any family) named after the tuple. */
    static void accept(ScapEvent e, Thread t) {
        long fd = num(e, "fd");
        if (t != null && fd >= 0) {
            t.lastEventFd = fd; // parse_accept_exit sets it before it reads the tuple
        }
        if (t != null && fd >= 0 && e.value("tuple").orElse(null) instanceof ParamValue.SockTuple raw) {
            ParamValue.SockTuple st = raw.sinspView(); // IPv4-mapped addresses: an IPv4 socket, named as IPv4
            if (st.family() == 1) {
                add(t, fd, new Fd(FdType.UNIX_SOCK, Long.toHexString(st.unixSource()) + "->"
                        + Long.toHexString(st.unixDest()) + " " + st.path(), 0, 0, null, 0, true));
            } else {
                // parse_accept_exit fills the socket's tuple (the client first) and makes it the server's end,
                // so fd.cport/sport/cproto/... have values on it
                add(t, fd, new Fd(st.family() == 10 ? FdType.IPV6_SOCK : FdType.IPV4_SOCK,
                        EventFormatter.tuple(st.sip(), st.sport(), st.dip(), st.dport()), 2, 0,
                        new SocketTuples.Endpoints(st.sip(), st.sport(), st.dip(), st.dport()), 0, true, Fd.ROLE_SERVER));
            }
        }
    }

    /** parse_dup_exit: the new fd is the old one's. */
    static void dup(ScapEvent e, Thread t) {
        long res = num(e, "res");
        Fd old = t == null || t.lastEnter == null ? null : t.fds.get(num(t.lastEnter, "fd"));
        if (res >= 0 && old != null) {
            add(t, res, old);
            t.addedOldName = old.name(); // add_fd copies the entry, its m_oldname (the name get_fd saw) with it
        }
    }

    /** parse_fcntl_exit: F_DUPFD and F_DUPFD_CLOEXEC (PPM_FCNTL_* 1 and 26) copy the fd as dup does. */
    static void fcntl(ScapEvent e, Thread t) {
        long res = num(e, "res");
        ScapEvent enter = t == null ? null : t.lastEnter;
        long cmd = enter == null ? -1 : num(enter, "cmd");
        Fd old = cmd == 1 || cmd == 26 ? t.fds.get(num(enter, "fd")) : null;
        if (res >= 0 && old != null) {
            add(t, res, old);
            t.addedOldName = old.name(); // add_fd copies the entry, its m_oldname (the name get_fd saw) with it
        }
    }

    /** eventfd, signalfd, timerfd_create, inotify_init: a new fd of that type, nameless. */
    static void newFd(ScapEvent e, EventInfo info, Thread t) {
        long res = num(e, "res");
        if (t != null && res >= 0) {
            FdType type = switch (info.name()) {
                case "eventfd" -> FdType.EVENT;
                case "signalfd" -> FdType.SIGNALFD;
                case "timerfd_create" -> FdType.TIMERFD;
                default -> FdType.INOTIFY;
            };
            add(t, res, new Fd(type, "", 0));
        }
    }

    /** parse_pipe_exit: two new FIFO fds. */
    static void pipe(ScapEvent e, Thread t) {
        if (t != null && num(e, "res") >= 0) {
            for (String p : new String[] {"fd1", "fd2"}) {
                long fd = num(e, p);
                if (fd >= 0) {
                    add(t, fd, new Fd(FdType.FIFO, "", 0)); // fd2 last: its number stays the last-event fd
                }
            }
        }
    }

    /**
     * parse_socketpair_exit (libs e5c53d64 parsers.cpp): on success two unix sockets, nameless (sinsp keeps the
     * event's source and peer addresses in the fd's socket info, not in its name).
     */
    static void socketpair(ScapEvent e, Thread t) {
        if (t != null && num(e, "res") >= 0) {
            for (String p : new String[] {"fd1", "fd2"}) {
                add(t, num(e, p), new Fd(FdType.UNIX_SOCK, "", 0)); // add_fd: fd2 ends as the last-event fd
            }
        }
    }

    /**
     * parse_close_exit: a successful close removes the fd its enter named, and only when the exit has an fd
     * entry: sinsp's reset sets evt->m_fdinfo for an exit only when it pairs with the thread's last enter
     * (etype == m_lastevent_type + 1) and the table holds that fd. A close exit whose enter the capture lost
     * (or whose enter was another call's) removes nothing, nor does a failed close.
     */
    static void close(ScapEvent e, Thread t, int etype, Fd eventFd) {
        if (t != null && eventFd != null && paired(t, etype) && e.num(EventKinds.res(etype)) >= 0) {
            t.fds.remove(t.lastEventFd);
        }
    }

    /** Whether exit {@code etype} pairs with the thread's last enter (sinsp's set_lastevent_data_validity). */
    static boolean paired(Thread t, int etype) {
        return t.lastEnter != null && t.lastEnter.type() == etype - 1;
    }

    /**
     * sinsp_threadinfo::add_fd: the new fd in the table, and its number the thread's last-event fd
     * ({@code m_lastevent_fd}, which the fd.* fields fall back to: see {@link Inspector#eventFd}).
     */
    private static void add(Thread t, long fd, Fd f) {
        t.fds.put(fd, f);
        t.lastEventFd = fd;
        t.addedOldName = ""; // a new sinsp_fdinfo_t's m_oldname
    }

    /**
     * sendto's enter on an fd the table does not hold (libs e5c53d64 parsers.cpp infer_sendto_fdinfo: the socket()
     * was missed, e.g. made before the capture but not in its fd list): sinsp adds a UDP socket of the tuple's family,
     * nameless and without a role (add_socket), which the exit's tuple then names.
     */
    static void sendtoEnter(ScapEvent e, Thread t) {
        long fd = num(e, "fd");
        if (fd >= 0 && t.fds.get(fd) == null && e.value("tuple").orElse(null) instanceof ParamValue.SockTuple st
                && (st.family() == 2 || st.family() == 10)) {
            add(t, fd, new Fd(st.family() == 2 ? FdType.IPV4_SOCK : FdType.IPV6_SOCK, "", 0, 3));
        }
    }

    /** connect's enter: sinsp names the socket after the address it connects to before the call returns. */
    static void connectEnter(ScapEvent e, Thread t) {
        if (e.value("addr").orElse(null) instanceof ParamValue.SockAddr a && a.family() == 1) {
            Fd old = t.fds.get(num(e, "fd"));
            if (old != null) {
                // sinsp names a unix socket at connect's enter
                t.fds.put(num(e, "fd"), new Fd(old.type(), a.path(), old.l4proto(), 0, null, old.dev(), old.connected()));
            }
        }
        if (e.value("addr").orElse(null) instanceof ParamValue.SockAddr a && (a.family() == 2 || a.family() == 10)) {
            Fd old = t.fds.get(num(e, "fd"));
            if (old != null) {
                t.fds.put(num(e, "fd"), SocketTuples.withPeer(old, a));
            }
        }
    }

    /**
     * A socket of the capture's fd list that the list could not resolve (no /proc/net entry when it was read: one not
     * bound yet), {@code socket:[INODE]}, with no protocol known: sinsp's entry for it (add_fd_from_scap of an
     * SCAP_FD_UNKNOWN fd) has zeros for its tuple and protocol, and connect's enter makes it an inet socket by type only.
     */
    private static boolean unresolved(Fd old) {
        return old.l4proto() == 0 && old.intendedL4() == 0 && old.name().startsWith("socket:[");
    }

    /** A socket's protocol once connect or bind names it: what its socket() call asked for, TCP when unknown. */
    private static int named(Fd old) {
        return old.l4proto() != 0 ? old.l4proto() : old.intendedL4() != 0 ? old.intendedL4() : 2;
    }

    /**
     * The name an open/openat/openat2/creat exit gives its fd, as parse_open_openat_creat_exit builds it
     * (libs e5c53d64 parsers.cpp): {@link ScapPaths#concatenate} of a directory and the path, the directory being
     * (parse_dirfd) the thread's cwd for AT_FDCWD and open/creat, {@code <UNKNOWN>} for a directory fd the
     * tables do not hold, and else that fd's name with a {@code /} always added: parse_dirfd means to add it
     * only when the name lacks one but tests the byte past the end, so an fd named {@code /} gives
     * {@code //tmp}, as sysdig prints. Null when the event has no name.
     */
    static String openedName(Thread t, ScapEvent e) {
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
        return ScapPaths.concatenate(path.length > 0 && path[0] == '/' ? "" : openDir(t, e, info), path);
    }

    /** The directory a relative path of an open is in: its dirfd's name, or the thread's working directory. */
    private static String openDir(Thread t, ScapEvent e, EventInfo info) {
        long dirfd = info.indexOf("dirfd") >= 0 ? num(e, "dirfd") : -100;
        if (dirfd == -100 || dirfd == Long.MIN_VALUE) {
            return ScapPaths.cwdOf(t);
        }
        Fd fd = t.fds.get(dirfd);
        return fd == null ? "<UNKNOWN>" : fd.name() + "/";
    }
}
