package io.boxscope.trace.scap;

import io.boxscope.trace.filter.Value;

import java.util.Arrays;

/**
 * The fd class of {@link ScapFields} (sinsp_filter_check_fd::extract, libs e5c53d64 userspace/libsinsp/filterchecks.cpp):
 * fd.name of an fd the tables lack, fd.directory, fd.filename, fd.type, fd.typechar, the socket addresses, ports and
 * protocols, fd.is_server. Each reads the fd {@link ScapFields} worked out for its event ({@link ScapFields#fd}, the
 * failed-connect case, {@link ScapFields#fdNum}); kept apart so ScapFields stays one switch. Each returns null where
 * sysdig has no value.
 */
final class FdFields {
    private FdFields() {}

    /** fd.directory (filterchecks.cpp TYPE_DIRECTORY): a file's directory, a directory itself. */
    static Value directory(ScapFields f) {
        Inspector.Fd fd = f.fd;
        String name;
        if (fd == null) {
            name = creatorName(f);
            if (name == null) {
                return null;
            }
        } else if (fd.type() == FdType.DIRECTORY) {
            return ScapFields.text(fd.name());
        } else if (fd.type() == FdType.FILE || fd.type() == FdType.FILE_V2) {
            name = fd.name();
        } else {
            return null;
        }
        int pos = name.lastIndexOf('/');
        if (pos > 0) {
            return ScapFields.text(pos < name.length() - 1 ? name.substring(0, pos) : name);
        }
        return ScapFields.text("/");
    }

    /** fd.filename (TYPE_FILENAME): a file's last path component. */
    static Value filename(Inspector.Fd fd) {
        if (fd.type() != FdType.FILE && fd.type() != FdType.FILE_V2) {
            return null;
        }
        String name = fd.name();
        int pos = name.lastIndexOf('/');
        if (pos < 0) {
            return ScapFields.text("/");
        }
        return ScapFields.text(pos < name.length() - 1 ? name.substring(pos + 1) : name);
    }

    /**
     * fd.name of an event whose fd sysdig has no entry for (extract_fdname_from_creator): nothing for an enter
     * event, the path or tuple an open, accept, creat or connect exit names, "" for others.
     */
    static String creatorName(ScapFields f) {
        EventInfo info = f.info;
        ScapEvent e = f.e;
        Inspector.Thread t = f.t;
        if (info.isEnter()) {
            return null;
        }
        return switch (info.name()) {
            case "open", "creat", "accept", "accept4", "connect" -> {
                if (e.params().size() < 2) {
                    yield "";
                }
                String[] v = f.fmt.argument(e, 1);
                yield v[1].isEmpty() ? v[0] : v[1];
            }
            case "openat", "openat2" -> {
                ScapEvent with = info.indexOf("name") >= 0 ? e : t == null ? null : t.lastEnter();
                if (with == null || t == null || with.info().isEmpty()) {
                    yield null;
                }
                EventInfo wi = with.info().get();
                int i = wi.indexOf("name");
                if (i < 0 || i >= with.params().size()) {
                    yield null;
                }
                String r = ScapPaths.resolve(t, with, wi.params().get(i));
                if (r != null) {
                    yield r;
                }
                if (!(with.value(i) instanceof ParamValue.Text s)) {
                    yield "";
                }
                // extract_fdname_from_creator joins the name onto the directory with concatenate_paths for an
                // absolute name too (libs e5c53d64 sinsp_filter_check_fd): "/a/b/../c/" is named "/a/c"
                byte[] b = s.bytes();
                yield b.length > 0 && b[0] == '/' ? ScapPaths.concatenate("", b) : s.string();
            }
            default -> "";
        };
    }

    /** fd.typechar of an event whose fd sysdig has no entry for: by the kind of call (TYPE_FDTYPECHAR). */
    static char creatorTypeChar(EventInfo info) {
        return switch (info.name()) {
            case "open", "openat", "openat2", "creat" -> 'f';
            case "socket", "accept", "accept4" -> '4';
            case "pipe", "pipe2" -> 'p';
            case "eventfd" -> 'e';
            case "signalfd" -> 's';
            case "timerfd_create" -> 't';
            case "inotify_init" -> 'i';
            default -> 'o';
        };
    }

    /** fd.type (TYPE_FDTYPE): the table entry's kind as sysdig names it. */
    static String typeName(FdType type) {
        return switch (type) {
            case FILE, FILE_V2 -> "file";
            case DIRECTORY -> "directory";
            case IPV4_SOCK, IPV4_SERVSOCK -> "ipv4";
            case IPV6_SOCK, IPV6_SERVSOCK -> "ipv6";
            case UNIX_SOCK -> "unix";
            case FIFO -> "pipe";
            case EVENT -> "event";
            case SIGNALFD -> "signalfd";
            case EVENTPOLL -> "eventpoll";
            case INOTIFY -> "inotify";
            case TIMERFD -> "timerfd";
            case NETLINK -> "netlink";
            case UNKNOWN, UNSUPPORTED -> "<NA>";
        };
    }

    /** fd.l4proto (TYPE_L4PROTO): tcp, udp, icmp or raw, else no value. */
    static Value l4proto(Inspector.Fd fd) {
        return switch (fd.l4proto()) {
            case 2 -> ScapFields.text("tcp");
            case 3 -> ScapFields.text("udp");
            case 4 -> ScapFields.text("icmp");
            case 5 -> ScapFields.text("raw");
            default -> null;
        };
    }

    /** fd.sockfamily (TYPE_SOCKFAMILY): ip or unix, else no value. */
    static Value sockfamily(Inspector.Fd fd) {
        return switch (fd.type()) {
            case IPV4_SOCK, IPV6_SOCK, IPV4_SERVSOCK, IPV6_SERVSOCK -> ScapFields.text("ip");
            case UNIX_SOCK -> ScapFields.text("unix");
            default -> null;
        };
    }

    /** fd.sip: a bound server's address, else the server end of the tuple. */
    static Value sip(ScapFields f) {
        SocketTuples.Endpoints b = boundServer(f);
        return b != null ? new Value.Addr(b.sip()) : socket(f, 1);
    }

    /** fd.cport: 0 for a unix socket with a role or a bound server, else the client's port. */
    static Value cport(ScapFields f) {
        // a unix socket with a role: sysdig's client port falls through to an empty protocol string
        return unixWithRoleOrBound(f) ? ScapFields.num(0) : port(f, 0);
    }

    /** fd.sport: a listening socket's port, a bound server's, else the server end of the tuple. */
    static Value sport(ScapFields f) {
        SocketTuples.Endpoints l = listening(f);
        if (l != null) {
            return ScapFields.num(l.sport());
        }
        SocketTuples.Endpoints b = boundServer(f);
        return b != null ? ScapFields.num(b.sport()) : port(f, 1);
    }

    /**
     * fd.cproto (filterchecks.cpp TYPE_CLIENTPROTO, libs e5c53d64): port_to_string of the port, which without name
     * resolution (sysdig -r's default) is the number; a unix socket with a role gives "".
     */
    static Value cproto(ScapFields f) {
        return unixWithRoleOrBound(f) ? ScapFields.text("") : portText(port(f, 0));
    }

    /** fd.sproto (TYPE_SERVERPROTO): as {@link #cproto}; a listening socket gives "". */
    static Value sproto(ScapFields f) {
        Inspector.Fd fd = f.fd;
        return fd != null && f.fdNum() != null && (fd.type() == FdType.IPV4_SERVSOCK || fd.type() == FdType.IPV6_SERVSOCK
                || boundServer(f) != null)
                ? ScapFields.text("") : portText(port(f, 1));
    }

    /** A unix socket with a role (named a->b) or a bound server: no client port or protocol. */
    private static boolean unixWithRoleOrBound(ScapFields f) {
        Inspector.Fd fd = f.fd;
        return fd != null && f.fdNum() != null && ((fd.type() == FdType.UNIX_SOCK && fd.name().contains("->"))
                || boundServer(f) != null);
    }

    /** fd.is_server: a listening socket, or a connected one whose server end is this machine's address. */
    static boolean isServer(ScapFields f) {
        if (boundServer(f) != null) {
            return true;
        }
        Inspector.Fd fd = f.fd;
        return switch (fd.type()) {
            case IPV4_SERVSOCK, IPV6_SERVSOCK -> true;
            case IPV4_SOCK -> fd.ends() != null && isLocal(f.inspector, fd.ends().dip());
            case IPV6_SOCK -> isLocal(f.inspector, fd.ends() != null ? fd.ends().dip() : new byte[16]); // a new socket's is ::
            default -> false;
        };
    }

    /**
     * A client socket's endpoints (client = source of its tuple), or null while its role is not settled (filterchecks.cpp
     * answers fd.cip/sip/... of a socket without a role with no value: an IPv6 connection of the capture's fd list).
     */
    private static SocketTuples.Endpoints ends(ScapFields f) {
        if (f.failedConnect) {
            // a failed connect does not give the socket a role: what it had before, if anything
            Long n = f.fdNum();
            Inspector.Fd before = f.t == null || n == null ? null : f.t.fd(n);
            return before == null || before.ends() == null || before.name().isEmpty() ? null : before.ends();
        }
        Inspector.Fd fd = f.fd;
        if (fd == null || fd.ends() == null || fd.name().isEmpty() || fd.role() == Inspector.Fd.ROLE_NONE
                || (fd.type() != FdType.IPV4_SOCK && fd.type() != FdType.IPV6_SOCK)) {
            return null;
        }
        return fd.ends();
    }

    /** 0 the client's address, 1 the server's. */
    static Value socket(ScapFields f, int which) {
        SocketTuples.Endpoints s = ends(f);
        return s == null ? null : new Value.Addr(which == 0 ? s.sip() : s.dip());
    }

    /** A port as the *proto fields print it (port_to_string without resolution), or null. */
    static Value portText(Value port) {
        return port instanceof Value.Num n ? ScapFields.text(Long.toString(n.value())) : null;
    }

    /** 0 the client's port, 1 the server's. */
    static Value port(ScapFields f, int which) {
        SocketTuples.Endpoints s = ends(f);
        return s == null ? null : ScapFields.num(which == 0 ? s.sport() : s.dport());
    }

    /**
     * A listening socket's address, as the process list gives it: sinsp's fd.sport of a server socket is its
     * port (sysdig 0.29 -r: a lsof filter fd.sport=80 keeps it, fd.sip=0.0.0.0 and fd.lport=80 do not); null for any other fd.
     */
    private static SocketTuples.Endpoints listening(ScapFields f) {
        Inspector.Fd fd = f.fd;
        if (fd != null && f.fdNum() != null && fd.type() == FdType.IPV6_SERVSOCK && fd.ends() != null) {
            // one that datagrams wrote over (SocketTuples.datagram): the port its memory still holds
            return SocketTuples.bound(fd);
        }
        if (fd == null || f.fdNum() == null || fd.ends() != null
                || (fd.type() != FdType.IPV4_SERVSOCK && fd.type() != FdType.IPV6_SERVSOCK)) {
            return null;
        }
        // named ADDRESS:PORT (EventFormatter.address) when the process list or bind named it
        int colon = fd.name().lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String host = fd.name().substring(0, colon).replace("[", "").replace("]", "");
        try {
            int port = Integer.parseInt(fd.name().substring(colon + 1));
            if (!host.matches("[0-9a-fA-F.:]+")) {
                return null; // an address literal only: never a name lookup
            }
            byte[] ip = java.net.InetAddress.getByName(host).getAddress();
            return new SocketTuples.Endpoints(ip, port, ip, port);
        } catch (NumberFormatException | java.io.IOException e) {
            return null;
        }
    }

    /**
     * A socket bound to a port by the capture's bind (parse_bind_exit: SCAP_FD_IPV4_SERVSOCK/_IPV6_ with the server
     * role, kept here as an inet socket named ADDR:PORT, {@link SocketTuples#bound}): its address and port, which
     * filterchecks.cpp (libs e5c53d64) answers as fd.sip and fd.sport (the m_ipv4serverinfo/m_ipv6serverinfo), fd.cport
     * as 0 and fd.cproto/fd.sproto as "" (TYPE_CLIENTPORT falls through to TYPE_CLIENTPROTO's empty string for a server
     * socket), fd.is_server as true; null for any other fd (a listening socket of the capture's fd list has no role, so
     * sinsp gives it no fd.sip: {@link #listening}).
     */
    private static SocketTuples.Endpoints boundServer(ScapFields f) {
        Inspector.Fd fd = f.fd;
        if (fd == null || f.fdNum() == null || fd.role() != Inspector.Fd.ROLE_SERVER || f.failedConnect
                || (fd.type() != FdType.IPV4_SOCK && fd.type() != FdType.IPV6_SOCK
                    && !(fd.type() == FdType.IPV6_SERVSOCK && fd.ends() != null))) {
            return null;
        }
        return SocketTuples.bound(fd);
    }

    /** Whether sinsp holds the event's inet socket as a server socket (SCAP_FD_IPV4_SERVSOCK/_IPV6_): bound during the capture. */
    static boolean serverSocket(ScapFields f) {
        return boundServer(f) != null;
    }

    /** The address field whose address a host-name field names: fd.cip for fd.cip.name, and so on. */
    static io.boxscope.trace.filter.Field addressOf(io.boxscope.trace.filter.Field nameField) {
        if (nameField == io.boxscope.trace.filter.Field.FD_CIP_NAME) {
            return io.boxscope.trace.filter.Field.FD_CIP;
        }
        if (nameField == io.boxscope.trace.filter.Field.FD_SIP_NAME) {
            return io.boxscope.trace.filter.Field.FD_SIP;
        }
        return nameField == io.boxscope.trace.filter.Field.FD_LIP_NAME ? io.boxscope.trace.filter.Field.FD_LIP
                : io.boxscope.trace.filter.Field.FD_RIP;
    }

    /** Whether the client address is this machine's (fd.lip/fd.lport then name the client end). */
    static boolean local(ScapFields f) {
        SocketTuples.Endpoints s = ends(f);
        return s != null && isLocal(f.inspector, s.sip());
    }

    /**
     * sinsp_network_interfaces::is_ipv4addr_in_local_machine / is_ipv6addr_in_local_machine (ifinfo.cpp):
     * an IPv4 address equal to an interface's, an IPv6 address whose first 64 bits are an interface's
     * (so {@code ::} is local when the capture lists {@code ::1}). Containers' own addresses are not in
     * the file.
     */
    private static boolean isLocal(Inspector inspector, byte[] addr) {
        for (InterfaceInfo i : inspector.interfaces()) {
            byte[] a = i.addr();
            if (addr.length == 4 && a.length == 4 && Arrays.equals(a, addr)) {
                return true;
            }
            if (addr.length == 16 && a.length == 16 && Arrays.equals(a, 0, 8, addr, 0, 8)) {
                return true;
            }
        }
        return false;
    }
}
