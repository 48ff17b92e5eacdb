package io.boxscope.trace.scap;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.boxscope.trace.scap.ScapFormatException.Kind;

/**
 * The body of a header block being parsed, with the entry parsers of the table blocks (process, fd,
 * user and interface lists) in every version libscap 0.29 reads (scap_savefile.c, scap_fds.c). Every read
 * is bounds-checked into a {@link ScapFormatException} at the offset it failed.
 */
final class BlockBody {
    private final ByteBuffer b;
    private final long base;

    BlockBody(ByteBuffer b, long base) {
        this.b = b;
        this.base = base;
    }

    long offset() {
        return base + b.position();
    }

    int remaining() {
        return b.remaining();
    }

    boolean onlyPadding() {
        if (b.remaining() > 3) {
            return false;
        }
        for (int i = b.position(); i < b.limit(); i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private void need(int n) throws ScapFormatException {
        if (n < 0 || b.remaining() < n) {
            throw new ScapFormatException(Kind.CORRUPT, offset(), "a table entry runs past its block ("
                    + n + " bytes needed, " + b.remaining() + " left)");
        }
    }

    /** The next {@code len} bytes as their own body (an entry with a length prefix). */
    BlockBody sub(int len, long entryStart) throws ScapFormatException {
        if (len < 0 || len > b.remaining()) {
            throw new ScapFormatException(Kind.CORRUPT, entryStart, "table entry length " + len
                    + " runs past its block (" + b.remaining() + " bytes left)");
        }
        ByteBuffer s = b.slice(b.position(), len).order(ByteOrder.LITTLE_ENDIAN);
        long o = offset();
        b.position(b.position() + len);
        return new BlockBody(s, o);
    }

    int u8() throws ScapFormatException {
        need(1);
        return Byte.toUnsignedInt(b.get());
    }

    int u16() throws ScapFormatException {
        need(2);
        return Short.toUnsignedInt(b.getShort());
    }

    int i32() throws ScapFormatException {
        need(4);
        return b.getInt();
    }

    long i64() throws ScapFormatException {
        need(8);
        return b.getLong();
    }

    byte[] raw(int n) throws ScapFormatException {
        need(n);
        byte[] r = new byte[n];
        b.get(r);
        return r;
    }

    String str16() throws ScapFormatException {
        return new String(raw(u16()), StandardCharsets.UTF_8);
    }

    List<String> list16() throws ScapFormatException {
        byte[] r = raw(u16());
        return new ParamValue.Bytes(r).strings();
    }

    String cString(int n) throws ScapFormatException {
        byte[] r = raw(n);
        int l = 0;
        while (l < n && r[l] != 0) {
            l++;
        }
        return new String(r, 0, l, StandardCharsets.UTF_8);
    }

    /**
     * One process list entry of block version 1 to 9 (scap_read_proclist): later versions append fields;
     * version 9 entries start with their length, so fields newer than this reader are skipped.
     */
    static ThreadInfo readThread(BlockBody b, int v) throws ScapFormatException {
        long entryStart = b.offset();
        BlockBody e = b;
        if (v >= 9) {
            int len = b.i32();
            e = b.sub(len - 4, entryStart);
        }
        long tid = e.i64(), pid = e.i64(), ptid = e.i64();
        long sid = v >= 6 ? e.i64() : -1;
        long vpgid = v >= 8 ? e.i64() : -1;
        String comm = e.str16(), exe = e.str16();
        String exepath = v >= 7 ? e.str16() : "";
        List<String> args = e.list16();
        String cwd = e.str16();
        long fdlimit = e.i64();
        int flags = e.i32(), uid = e.i32(), gid = e.i32();
        int vmsize = 0, vmrss = 0, vmswap = 0;
        long pfmaj = 0, pfmin = 0, vtid = -1, vpid = -1;
        List<String> env = List.of(), cgroups = List.of();
        String root = "";
        if (v >= 2) {
            vmsize = e.i32();
            vmrss = e.i32();
            vmswap = e.i32();
            pfmaj = e.i64();
            pfmin = e.i64();
        }
        if (v >= 3) {
            env = e.list16();
        }
        if (v >= 4) {
            vtid = e.i64();
            vpid = e.i64();
            cgroups = e.list16();
        }
        if (v >= 5) {
            root = e.str16();
        }
        int loginuid = v >= 9 && e.remaining() >= 4 ? e.i32() : -1;
        boolean writable = v >= 9 && e.remaining() >= 1 && e.u8() != 0;
        return new ThreadInfo(tid, pid, ptid, sid, vpgid, comm, exe, exepath, args, cwd, fdlimit, flags, uid, gid,
                vmsize, vmrss, vmswap, pfmaj, pfmin, env, vtid, vpid, cgroups, root, loginuid, writable);
    }

    static FdInfo readFd(BlockBody b, boolean v2) throws ScapFormatException {
        long entryStart = b.offset();
        BlockBody e = b;
        if (v2) {
            int len = b.i32();
            e = b.sub(len - 4, entryStart);
        }
        long fd = e.i64();
        long ino = e.i64();
        int typeNum = e.u8();
        FdType type = FdType.of(typeNum);
        if (type == null) {
            throw new ScapFormatException(Kind.CORRUPT, entryStart, "fd " + fd + " has unknown type " + typeNum);
        }
        return switch (type) {
            case IPV4_SOCK -> {
                byte[] sip = e.raw(4), dip = e.raw(4);
                int sport = e.u16(), dport = e.u16(), l4 = e.u8();
                yield new FdInfo(fd, ino, type, "", 0, 0, new FdInfo.SocketInfo(sip, sport, dip, dport, l4, 0, 0));
            }
            case IPV4_SERVSOCK -> {
                byte[] ip = e.raw(4);
                int port = e.u16(), l4 = e.u8();
                yield new FdInfo(fd, ino, type, "", 0, 0, new FdInfo.SocketInfo(ip, port, null, 0, l4, 0, 0));
            }
            case IPV6_SOCK -> {
                byte[] sip = e.raw(16), dip = e.raw(16);
                int sport = e.u16(), dport = e.u16(), l4 = e.u8();
                yield new FdInfo(fd, ino, type, "", 0, 0, new FdInfo.SocketInfo(sip, sport, dip, dport, l4, 0, 0));
            }
            case IPV6_SERVSOCK -> {
                byte[] ip = e.raw(16);
                int port = e.u16(), l4 = e.u8();
                yield new FdInfo(fd, ino, type, "", 0, 0, new FdInfo.SocketInfo(ip, port, null, 0, l4, 0, 0));
            }
            case UNIX_SOCK -> {
                long src = e.i64(), dst = e.i64();
                yield new FdInfo(fd, ino, type, e.str16(), 0, 0, new FdInfo.SocketInfo(null, 0, null, 0, 0, src, dst));
            }
            case FILE_V2 -> {
                int flags = e.i32();
                String name = e.str16();
                int dev = e.remaining() >= 4 ? e.i32() : 0; // dev was appended later: older files end before it
                yield new FdInfo(fd, ino, type, name, flags, dev, null);
            }
            case UNKNOWN, FIFO, FILE, DIRECTORY, UNSUPPORTED, EVENT, SIGNALFD, EVENTPOLL, INOTIFY, TIMERFD, NETLINK ->
                    new FdInfo(fd, ino, type, e.str16(), 0, 0, null);
        };
    }

    static void readUsers(BlockBody b, boolean v2, List<UserInfo> users, List<GroupInfo> groups)
            throws ScapFormatException {
        while (b.remaining() >= 4 && !b.onlyPadding()) {
            long entryStart = b.offset();
            BlockBody e = b;
            if (v2) {
                int len = b.i32();
                e = b.sub(len - 4, entryStart);
            }
            int kind = e.u8();
            if (kind == 0) {
                users.add(new UserInfo(e.i32(), e.i32(), e.str16(), e.str16(), e.str16()));
            } else if (kind == 1) {
                groups.add(new GroupInfo(e.i32(), e.str16()));
            } else {
                throw new ScapFormatException(Kind.CORRUPT, entryStart, "user list entry of unknown kind " + kind);
            }
        }
    }

    static void readInterfaces(BlockBody b, boolean v2, List<InterfaceInfo> ifs) throws ScapFormatException {
        while (b.remaining() >= 4 && !b.onlyPadding()) {
            long entryStart = b.offset();
            BlockBody e = b;
            if (v2) {
                int len = b.i32();
                e = b.sub(len, entryStart);
            }
            int type = e.u16();
            int namelen = e.u16();
            int alen = type == 2 || type == 4 ? 16 : 4;
            byte[] addr = e.raw(alen), mask = e.raw(alen), bcast = e.raw(alen);
            long speed = type == 1 || type == 2 || v2 ? e.i64() : 0;
            String name = new String(e.raw(namelen), StandardCharsets.UTF_8);
            ifs.add(new InterfaceInfo(type, name, addr, mask, bcast, speed));
        }
    }
}
