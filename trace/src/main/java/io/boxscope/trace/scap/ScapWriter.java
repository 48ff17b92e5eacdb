package io.boxscope.trace.scap;

import io.boxscope.proc.RawText;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Writes sysdig's capture format as libscap 0.29 writes it (scap_savefile.c): section header, machine
 * info, user list, process list (version 9), fd lists (version 2), then one EV_V2 block per event
 * (EVF_V2 when the event has dump flags, the _LARGE variants when a parameter exceeds 64 KiB).
 *
 * <p>Event blocks are framed in a 1 MiB buffer that goes to the file whole (complete blocks only) when it
 * fills (through a thread of its own, {@link WriteBehind}, so the framing thread does not wait for the file) or
 * {@link #flush()} runs, so a capture killed at any moment ends in complete blocks plus at most one
 * partial block, which {@link ScapReader} reports as truncation with its offset. Files are created mode 0600: a capture holds
 * the contents of every buffer read and written.
 */
public final class ScapWriter implements Closeable {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /**
     * libscap refuses a capture whose strings reach its buffers' sizes ("Could not initialize reader:
     * invalid exelen 6000"): SCAP_MAX_PATH_SIZE 1024 for comm, exe, paths and fd names, SCAP_MAX_ARGS_SIZE,
     * SCAP_MAX_ENV_SIZE and SCAP_MAX_CGROUPS_SIZE 4096 for the NUL-separated lists, MAX_CREDENTIALS_STR_LEN 256
     * for user and group names, homes and shells (the reader tests all three against it; scap_limits.h, scap.h,
     * scap_savefile.c; some checks are {@code >=}, so one byte less is kept). A process may make any of these
     * longer (argv[0] is free text), so the writer cuts.
     */
    static final int MAX_PATH = 1023;
    static final int MAX_LIST = 4095;
    static final int MAX_CREDENTIALS = 255;

    private final OutputStream out;
    private final GZIPOutputStream gzip;
    private final boolean ownsStream;
    private long offset;
    private boolean closed;

    private ScapWriter(OutputStream out, GZIPOutputStream gzip, boolean ownsStream) {
        this.out = out;
        this.gzip = gzip;
        this.ownsStream = ownsStream;
    }

    /**
     * Creates (or truncates) {@code path}, mode 0600, and writes the header blocks.
     *
     * @param compress gzip the file, as {@code sysdig -z} does (libscap writes through gzopen)
     */
    public static ScapWriter create(Path path, CaptureTables tables, boolean compress) throws IOException {
        java.nio.channels.SeekableByteChannel ch;
        try {
            ch = Files.newByteChannel(path, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING), PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (java.nio.file.FileSystemException e) {
            throw CaptureFileException.of(path, e); // the user's file, not one of the traced system's
        }
        OutputStream raw = Channels.newOutputStream(ch);
        try {
            Files.setPosixFilePermissions(path, OWNER_ONLY);
            GZIPOutputStream gz = compress ? new GZIPOutputStream(raw, 1 << 16, true) : null;
            ScapWriter w = new ScapWriter(new BufferedOutputStream(gz != null ? gz : raw, 1 << 16), gz, true);
            w.writeHeader(tables);
            return w;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** Writes to {@code out} (not closed by {@link #close()} beyond a flush: the caller owns it). */
    public static ScapWriter to(OutputStream out, CaptureTables tables) throws IOException {
        ScapWriter w = new ScapWriter(out, null, false);
        w.writeHeader(tables);
        return w;
    }

    /**
     * Writes to {@code out} through a buffer, gzipped when {@code compress} ({@code -w -}: standard output, as sysdig
     * takes {@code -}); {@link #close()} flushes (and ends the gzip stream) but leaves {@code out} open: the caller
     * owns it.
     */
    public static ScapWriter to(OutputStream out, CaptureTables tables, boolean compress) throws IOException {
        GZIPOutputStream gz = compress ? new GZIPOutputStream(out, 1 << 16, true) : null;
        ScapWriter w = new ScapWriter(new BufferedOutputStream(gz != null ? gz : out, 1 << 16), gz, false);
        w.writeHeader(tables);
        return w;
    }

    /** Bytes written so far, before compression (what sysdig's -C compares against). */
    public long offset() {
        return offset;
    }

    /**
     * Appends one event block: framed and encoded straight into the pending buffer (a live capture writes
     * every event it sees, so nothing is allocated per event and the stream sees one write per
     * {@link #PENDING} bytes). A block larger than that buffer is framed in a buffer of its own.
     */
    public void write(ScapEvent e) throws IOException {
        boolean flags = e.dumpFlags() != 0;
        int type = e.large() ? (flags ? BlockType.EVF_V2_LARGE : BlockType.EV_V2_LARGE)
                : (flags ? BlockType.EVF_V2 : BlockType.EV_V2);
        int length = e.encodedLength();
        int body = 2 + (flags ? 4 : 0) + length;
        int total = 8 + BlockType.padded(body) + 4;
        ByteBuffer b = room(total);
        if (b == null) {
            b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        }
        int end = b.position() + total;
        b.putInt(type).putInt(total).putShort((short) e.cpu());
        if (flags) {
            b.putInt(e.dumpFlags());
        }
        e.encodeInto(b, length);
        while (b.position() < end - 4) {
            b.put((byte) 0);
        }
        b.putInt(total);
        if (b != pending) {
            if (behind != null) {
                behind.enqueue(b); // after the buffers already handed over: the file keeps the events' order
            } else {
                out.write(b.array(), 0, total);
            }
        }
        offset += total;
    }

    /**
     * Appends a generic system call event ({@code PPME_GENERIC_E}: ID, nativeID; {@code PPME_GENERIC_X}: ID),
     * the block {@link #write} writes for the same event, without building a {@link ScapEvent}: a live
     * capture records most system calls of a busy host this way (sysdig has no event of their own for
     * them), so this is the path that decides how many events per second {@code -w} keeps up with.
     *
     * @param ppmSc    the PPM_SC number of the system call (the ID parameter, PT_SYSCALLID)
     * @param nativeId the kernel's system call number (nativeID, u16; enter events only)
     */
    public void writeGeneric(long ts, long tid, int cpu, boolean enter, int ppmSc, int nativeId) throws IOException {
        int total = enter ? GENERIC_E_BLOCK : GENERIC_X_BLOCK;
        ByteBuffer b = room(total);
        int end = b.position() + total;
        b.putInt(BlockType.EV_V2).putInt(total).putShort((short) cpu)
                .putLong(ts).putLong(tid).putInt(enter ? GENERIC_E_LEN : GENERIC_X_LEN);
        if (enter) {
            b.putShort((short) GENERIC_E).putInt(2).putShort((short) 2).putShort((short) 2)
                    .putShort((short) ppmSc).putShort((short) nativeId);
        } else {
            b.putShort((short) GENERIC_X).putInt(1).putShort((short) 2).putShort((short) ppmSc);
        }
        while (b.position() < end - 4) {
            b.put((byte) 0);
        }
        b.putInt(total);
        offset += total;
    }

    /** {@link #writeNumbers} size of a parameter copied as it is (BYTEBUF data). */
    public static final byte RAW = 0;
    /** {@link #writeNumbers} size of a NUL-terminated string copied as it is; empty, it is written as one NUL. */
    public static final byte CSTRING = -1;

    /**
     * Appends an event whose parameters are numbers ({@code values[i]} little-endian in {@code sizes[i]} = 1, 2,
     * 4 or 8 bytes, as {@link ScapEvent.Builder#num} writes them) except parameter {@code varIndex} (when
     * {@code bufLen >= 0}), whose {@code bufLen} bytes are copied straight from {@code buf} at {@code bufOff}
     * ({@code sizes[varIndex]} {@link #RAW}, or {@link #CSTRING}: a string read with its NUL, one NUL when
     * empty, as {@link ScapEvent.Builder#str} writes an empty one): the block {@link #write} writes for the
     * same event built parameter by parameter, without building it (a live capture's reads, writes, opens and
     * closes, from the ring record to this buffer in one copy). The caller checks the layout against the event
     * table (the sizes of the type's parameters, no EF_LARGE_PAYLOAD type); {@code bufLen} is below 65,535.
     */
    public void writeNumbers(long ts, long tid, int cpu, int type, byte[] sizes, long[] values, int varIndex,
                             java.lang.foreign.MemorySegment buf, long bufOff, int bufLen) throws IOException {
        if (bufLen >= 0xffff) {
            throw new IllegalArgumentException("a parameter of " + bufLen + " bytes does not fit a 16-bit length");
        }
        int n = sizes.length;
        int var = bufLen < 0 ? -1 : varIndex;
        int varLen = var < 0 ? 0 : bufLen == 0 && sizes[var] == CSTRING ? 1 : bufLen;
        int len = ScapEvent.HEADER_SIZE + 2 * n + varLen;
        for (int i = 0; i < n; i++) {
            len += i == var ? 0 : sizes[i];
        }
        int total = 8 + BlockType.padded(2 + len) + 4;
        ByteBuffer b = room(total);
        int end = b.position() + total;
        b.putInt(BlockType.EV_V2).putInt(total).putShort((short) cpu)
                .putLong(ts).putLong(tid).putInt(len).putShort((short) type).putInt(n);
        for (int i = 0; i < n; i++) {
            b.putShort((short) (i == var ? varLen : sizes[i]));
        }
        for (int i = 0; i < n; i++) {
            if (i == var) {
                if (bufLen == 0) {
                    if (varLen == 1) {
                        b.put((byte) 0);
                    }
                    continue;
                }
                int at = b.position();
                java.lang.foreign.MemorySegment.copy(buf, java.lang.foreign.ValueLayout.JAVA_BYTE, bufOff, b.array(),
                        b.arrayOffset() + at, bufLen);
                b.position(at + bufLen);
                continue;
            }
            long v = values[i];
            switch (sizes[i]) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        while (b.position() < end - 4) {
            b.put((byte) 0);
        }
        b.putInt(total);
        offset += total;
    }

    /** Bytes of events kept before they go to the stream in one write. */
    static final int PENDING = 1 << 20;
    private ByteBuffer pending = ByteBuffer.allocate(PENDING).order(ByteOrder.LITTLE_ENDIAN);
    /**
     * The thread that writes full buffers ({@link WriteBehind}), started when the first buffer fills: a writer of
     * fewer events than one buffer (a test, a short {@code -r -w}) never starts one.
     */
    private WriteBehind behind;

    /** The pending buffer with {@code n} bytes free (written out first if needed), or null when n exceeds it. */
    private ByteBuffer room(int n) throws IOException {
        if (pending.remaining() < n) {
            drain();
            if (n > PENDING) {
                return null;
            }
        }
        return pending;
    }

    /**
     * Hands the pending events (whole blocks only) to the writer thread, started the first time, and goes on in a
     * recycled buffer; the header blocks, {@link #flush} and {@link #close} write to the stream themselves, after
     * {@link WriteBehind#sync}.
     */
    private void drain() throws IOException {
        if (pending.position() > 0) {
            if (behind == null) {
                behind = new WriteBehind(out, PENDING);
            }
            behind.enqueue(pending);
            pending = behind.next();
        }
    }

    /** Writes the pending events to the stream from this thread, once the writer thread has written its buffers. */
    private void drainHere() throws IOException {
        if (behind != null) {
            behind.sync();
        }
        if (pending.position() > 0) {
            out.write(pending.array(), 0, pending.position());
            pending.clear();
        }
    }

    private static final int GENERIC_E = genericType("PPME_GENERIC_E", 2);
    private static final int GENERIC_X = genericType("PPME_GENERIC_X", 1);

    /** The event type of {@code constant}, checked to have {@code params} parameters of 2 bytes each, as written. */
    private static int genericType(String constant, int params) {
        EventInfo info = EventTable.get().byConstant(constant);
        if (info.params().size() != params || info.params().stream().anyMatch(p -> p.type().size() != 2)) {
            throw new IllegalStateException(constant + " in the event table is not " + params
                    + " two-byte parameters: writeGeneric would write blocks sysdig misreads");
        }
        return info.id();
    }
    /** ppm_evt_hdr.len of the two: the header, two (one) u16 lengths and two (one) u16 parameters. */
    private static final int GENERIC_E_LEN = ScapEvent.HEADER_SIZE + 2 * 2 + 2 * 2;
    private static final int GENERIC_X_LEN = ScapEvent.HEADER_SIZE + 2 + 2;
    private static final int GENERIC_E_BLOCK = 8 + BlockType.padded(2 + GENERIC_E_LEN) + 4;
    private static final int GENERIC_X_BLOCK = 8 + BlockType.padded(2 + GENERIC_X_LEN) + 4;

    /**
     * Records events lost before they reached this file, per CPU, as an {@code infra} event (source
     * {@code boxscope}, name {@code drops}, description {@code cpu0=N cpu1=M ...}): sysdig 0.29's format has
     * no block for drop counts, this event is kept by {@code sysdig -r ... -w} and hidden from its default
     * output like every internal event.
     */
    public void writeDrops(long ts, long[] dropsPerCpu) throws IOException {
        StringBuilder d = new StringBuilder();
        long total = 0;
        for (int cpu = 0; cpu < dropsPerCpu.length; cpu++) {
            d.append(cpu == 0 ? "" : " ").append("cpu").append(cpu).append('=').append(dropsPerCpu[cpu]);
            total += dropsPerCpu[cpu];
        }
        write(ScapEvent.builder("PPME_INFRASTRUCTURE_EVENT_E", ts, 0, 0)
                .str(DROPS_SOURCE).str(DROPS_NAME).str(d.toString()).str("total=" + total).build());
    }

    static final String DROPS_SOURCE = "boxscope";
    static final String DROPS_NAME = "drops";

    /** Pushes buffered blocks to the file (through gzip's sync flush when compressing). */
    public void flush() throws IOException {
        drainHere();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (behind != null) {
                behind.close();
            }
            drainHere();
            out.flush();
            if (gzip != null) {
                gzip.finish();
            }
        } finally {
            if (ownsStream) {
                out.close();
            }
        }
    }

    private void writeHeader(CaptureTables t) throws IOException {
        Block shb = new Block(BlockType.SHB);
        shb.u32(BlockType.SHB_MAGIC).u16(1).u16(2).u64(-1L);
        emit(shb);
        if (t.machine() != null) {
            MachineInfo m = t.machine();
            Block mi = new Block(BlockType.MI);
            byte[] host = new byte[128];
            byte[] h = m.hostname().getBytes(StandardCharsets.UTF_8);
            System.arraycopy(h, 0, host, 0, Math.min(h.length, 127));
            mi.u32(m.numCpus()).u64(m.memoryBytes()).u64(m.maxPid()).bytes(host).u64(0).u64(0).u64(0).u64(0);
            emit(mi);
        }
        if (!t.interfaces().isEmpty()) {
            emit(interfaceList(t.interfaces()));
        }
        if (!t.users().isEmpty() || !t.groups().isEmpty()) {
            emit(userList(t.users(), t.groups()));
        }
        Block pl = new Block(BlockType.PL_V9);
        for (ThreadInfo th : t.threads()) {
            pl.bytes(threadEntry(th));
        }
        emit(pl);
        for (ThreadInfo th : t.threads()) {
            List<FdInfo> fds = t.fds().get(th.tid());
            if (fds != null) {
                Block fdl = new Block(BlockType.FDL_V2);
                fdl.u64(th.tid());
                for (FdInfo fd : fds) {
                    fdl.bytes(fdEntry(fd));
                }
                emit(fdl);
            }
        }
    }

    private static Block interfaceList(List<InterfaceInfo> ifs) {
        Block b = new Block(BlockType.IL_V2);
        for (InterfaceInfo i : ifs) {
            byte[] name = i.name().getBytes(StandardCharsets.UTF_8);
            int alen = i.ipv6() ? 16 : 4;
            Block e = new Block(0);
            e.u16(i.type()).u16(name.length).fixed(i.addr(), alen).fixed(i.netmask(), alen).fixed(i.broadcast(), alen)
                    .u64(i.linkSpeed()).bytes(name);
            byte[] entry = e.body();
            b.u32(entry.length).bytes(entry);
        }
        return b;
    }

    private static Block userList(List<UserInfo> users, List<GroupInfo> groups) {
        Block b = new Block(BlockType.UL_V2);
        for (UserInfo u : users) {
            Block e = new Block(0);
            e.u8(0).u32(u.uid()).u32(u.gid()).str16(u.name(), MAX_CREDENTIALS).str16(u.home(), MAX_CREDENTIALS)
                    .str16(u.shell(), MAX_CREDENTIALS);
            byte[] entry = e.body();
            b.u32(entry.length + 4).bytes(entry);
        }
        for (GroupInfo g : groups) {
            Block e = new Block(0);
            e.u8(1).u32(g.gid()).str16(g.name(), MAX_CREDENTIALS);
            byte[] entry = e.body();
            b.u32(entry.length + 4).bytes(entry);
        }
        return b;
    }

    /** One PL v9 entry, its leading u32 length included (scap_write_proclist_entry_bufs). */
    private static byte[] threadEntry(ThreadInfo t) {
        Block e = new Block(0);
        e.u64(t.tid()).u64(t.pid()).u64(t.ptid()).u64(t.sid()).u64(t.vpgid())
                .str16(t.comm(), MAX_PATH).str16(t.exe(), MAX_PATH).str16(t.exepath(), MAX_PATH)
                .list16(t.args(), MAX_LIST).str16(t.cwd(), MAX_PATH)
                .u64(t.fdlimit()).u32(t.flags()).u32(t.uid()).u32(t.gid())
                .u32(t.vmsizeKb()).u32(t.vmrssKb()).u32(t.vmswapKb()).u64(t.pfMajor()).u64(t.pfMinor())
                .list16(t.env(), MAX_LIST).u64(t.vtid()).u64(t.vpid()).list16(t.cgroups(), MAX_LIST)
                .str16(t.root(), MAX_PATH)
                .u32(t.loginuid()).u8(t.exeWritable() ? 1 : 0);
        byte[] body = e.body();
        return new Block(0).u32(body.length + 4).bytes(body).body();
    }

    /** One FDL v2 entry, its leading u32 length included (scap_fd_write_to_disk). */
    private static byte[] fdEntry(FdInfo f) {
        Block e = new Block(0);
        e.u64(f.fd()).u64(f.ino()).u8(f.type().ordinal());
        FdInfo.SocketInfo s = f.socket();
        switch (f.type()) {
            case IPV4_SOCK -> e.fixed(s.sip(), 4).fixed(s.dip(), 4).u16(s.sport()).u16(s.dport()).u8(s.l4proto());
            case IPV4_SERVSOCK -> e.fixed(s.sip(), 4).u16(s.sport()).u8(s.l4proto());
            case IPV6_SOCK -> e.fixed(s.sip(), 16).fixed(s.dip(), 16).u16(s.sport()).u16(s.dport()).u8(s.l4proto());
            case IPV6_SERVSOCK -> e.fixed(s.sip(), 16).u16(s.sport()).u8(s.l4proto());
            case UNIX_SOCK -> e.u64(s.unixSource()).u64(s.unixDest()).str16(f.name(), MAX_PATH);
            case FILE_V2 -> e.u32(f.openFlags()).str16(f.name(), MAX_PATH).u32(f.dev());
            case FIFO, FILE, DIRECTORY, UNSUPPORTED, EVENT, SIGNALFD, EVENTPOLL, INOTIFY, TIMERFD, NETLINK ->
                    e.str16(f.name(), MAX_PATH);
            case UNKNOWN -> throw new IllegalArgumentException("fd " + f.fd() + " has type UNKNOWN: libscap writes no such entry");
        }
        byte[] body = e.body();
        return new Block(0).u32(body.length + 4).bytes(body).body();
    }

    private void emit(Block b) throws IOException {
        drainHere();
        byte[] bytes = b.finish();
        out.write(bytes);
        offset += bytes.length;
    }

    /** A block under construction: a little-endian body, framed by {@link #finish()}. */
    static final class Block {
        private final int type;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        Block(int type) {
            this.type = type;
        }

        Block u8(int v) {
            body.write(v);
            return this;
        }

        Block u16(int v) {
            scratch.clear();
            body.write(scratch.putShort((short) v).array(), 0, 2);
            return this;
        }

        Block u32(int v) {
            scratch.clear();
            body.write(scratch.putInt(v).array(), 0, 4);
            return this;
        }

        Block u64(long v) {
            scratch.clear();
            body.write(scratch.putLong(v).array(), 0, 8);
            return this;
        }

        Block bytes(byte[] b) {
            body.write(b, 0, b.length);
            return this;
        }

        /** Exactly {@code n} bytes: {@code b} cut or zero-filled. */
        Block fixed(byte[] b, int n) {
            byte[] f = new byte[n];
            System.arraycopy(b, 0, f, 0, Math.min(n, b.length));
            return bytes(f);
        }

        /** A u16 length then the string's bytes, no NUL (libscap's on-disk strings); cut at {@code max} bytes. */
        Block str16(String s, int max) {
            byte[] b = RawText.encode(s); // a kernel string's own bytes (RawText), else UTF-8
            int n = Math.min(b.length, max);
            u16(n);
            body.write(b, 0, n);
            return this;
        }

        /**
         * A u16 length then the entries, each NUL-terminated (argv, environ, cgroups), at most {@code max}
         * bytes in all: the entry that does not fit is cut (and still NUL-terminated) and the rest dropped,
         * as libscap's proc scan keeps the first SCAP_MAX_ARGS_SIZE bytes of /proc/PID/cmdline.
         */
        Block list16(List<String> l, int max) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            for (String s : l) {
                byte[] b = RawText.encode(s);
                int room = max - o.size() - 1;
                if (room <= 0) {
                    break;
                }
                o.write(b, 0, Math.min(b.length, room));
                o.write(0);
            }
            u16(o.size());
            body.write(o.toByteArray(), 0, o.size());
            return this;
        }

        byte[] body() {
            return body.toByteArray();
        }

        byte[] finish() {
            byte[] b = body.toByteArray();
            int total = 8 + BlockType.padded(b.length) + 4;
            ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
            out.putInt(type).putInt(total).put(b);
            out.position(total - 4);
            out.putInt(total);
            return out.array();
        }
    }
}
