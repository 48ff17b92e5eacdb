package io.boxscope.trace.scap;

/**
 * One open file descriptor of the fd list block (FDL v2; libscap's {@code scap_fdinfo}).
 *
 * @param fd        the descriptor number
 * @param ino       inode number (0 when unknown)
 * @param type      what it refers to
 * @param name      path for files and directories, path or name for unix sockets and other kinds
 * @param openFlags PPM_O_* open flags (FILE_V2 only)
 * @param dev       device number (FILE_V2 only)
 * @param socket    addresses for IPv4/IPv6 sockets and the endpoints of unix sockets, or null
 */
public record FdInfo(long fd, long ino, FdType type, String name, int openFlags, int dev, SocketInfo socket) {

    /** A regular file as libscap writes it (FILE_V2: flags, name, device). */
    public static FdInfo file(long fd, long ino, String path, int openFlags, int dev) {
        return new FdInfo(fd, ino, FdType.FILE_V2, path, openFlags, dev, null);
    }

    /** A connected IPv4 socket; addresses in network byte order as 4-byte arrays. */
    public static FdInfo ipv4(long fd, long ino, byte[] sip, int sport, byte[] dip, int dport, int l4proto) {
        return new FdInfo(fd, ino, FdType.IPV4_SOCK, "", 0, 0, new SocketInfo(sip, sport, dip, dport, l4proto, 0, 0));
    }

    /** Any other kind with just a name (pipes, eventfds, directories, ...). */
    public static FdInfo named(long fd, long ino, FdType type, String name) {
        return new FdInfo(fd, ino, type, name, 0, 0, null);
    }

    /**
     * Socket endpoints. For a server socket only {@code sip}/{@code sport} are used; for a unix socket the
     * kernel socket addresses {@code unixSource}/{@code unixDest}.
     */
    public record SocketInfo(byte[] sip, int sport, byte[] dip, int dport, int l4proto, long unixSource, long unixDest) {
        public SocketInfo {
            sip = sip == null ? new byte[0] : sip.clone();
            dip = dip == null ? new byte[0] : dip.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SocketInfo s && java.util.Arrays.equals(sip, s.sip) && sport == s.sport
                    && java.util.Arrays.equals(dip, s.dip) && dport == s.dport && l4proto == s.l4proto
                    && unixSource == s.unixSource && unixDest == s.unixDest;
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(sip) * 31 + sport;
        }
    }
}
