package io.boxscope.bpf.btf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Parsed BTF (BPF Type Format, Documentation/bpf/btf.rst): a header, a type section of variable-length
 * {@code struct btf_type} records numbered from 1, and a string section of NUL-terminated names.
 *
 * <p>Parsing is lazy: {@link #parse} only validates the header and records where each type starts (one
 * pass over the type section, no objects per type); types are decoded when asked for, and the name index is
 * built on the first lookup by name, hashing the string section's bytes in place. For vmlinux (~130,000
 * types, 5 MB) that keeps a full parse and one lookup well under 100 ms (see docs/benchmarks.md).
 *
 * <p>Only base BTF is handled: module BTF under /sys/kernel/btf/&lt;module&gt; is split BTF whose ids
 * continue those of vmlinux, and is rejected with a message saying so.
 */
public final class Btf {
    static final int MAGIC = 0xeB9F;
    private static final int HEADER_MIN = 24;

    private final ByteBuffer buf;
    private final int typeStart;
    private final int typeEnd;
    private final int strStart;
    private final int strLen;
    /** offsets[id] = byte offset of type id's record; offsets[0] unused (void). */
    private final int[] offsets;
    private final int count;
    private volatile NameIndex index;

    private Btf(ByteBuffer buf, int typeStart, int typeEnd, int strStart, int strLen, int[] offsets, int count) {
        this.buf = buf;
        this.typeStart = typeStart;
        this.typeEnd = typeEnd;
        this.strStart = strStart;
        this.strLen = strLen;
        this.offsets = offsets;
        this.count = count;
    }

    /** The kernel's own BTF: {@code <sysRoot>/kernel/btf/vmlinux} (needs CONFIG_DEBUG_INFO_BTF). */
    public static Btf vmlinux(Path sysRoot) throws IOException {
        Path p = sysRoot.resolve("kernel/btf/vmlinux");
        try {
            return read(p);
        } catch (NoSuchFileException e) {
            throw new BtfException("no kernel BTF: " + p + " does not exist (the kernel was built without "
                    + "CONFIG_DEBUG_INFO_BTF, or --sys-root points elsewhere)", e);
        }
    }

    /** Reads and parses a raw BTF file (such as /sys/kernel/btf/vmlinux; not an ELF .BTF section). */
    public static Btf read(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        try {
            return parse(data);
        } catch (BtfException e) {
            throw new BtfException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses raw BTF bytes; either byte order, detected from the magic. */
    public static Btf parse(byte[] data) throws BtfException {
        if (data.length < HEADER_MIN) {
            throw new BtfException("not BTF: " + data.length + " bytes is shorter than the 24-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getShort(0) & 0xffff;
        if (data[0] == (byte) 0xeb && data[1] == (byte) 0x9f) {
            b.order(ByteOrder.BIG_ENDIAN);
        } else if (magic != MAGIC) {
            throw new BtfException(String.format("not BTF: magic is 0x%04x, expected 0xeb9f", magic));
        }
        int version = b.get(2) & 0xff;
        if (version != 1) {
            throw new BtfException("unsupported BTF version " + version + " (only version 1 is defined)");
        }
        long hdrLen = u32(b, 4);
        long typeOff = u32(b, 8);
        long typeLen = u32(b, 12);
        long strOff = u32(b, 16);
        long strLen = u32(b, 20);
        if (hdrLen < HEADER_MIN || hdrLen > data.length) {
            throw new BtfException("bad BTF header length " + hdrLen);
        }
        long ts = hdrLen + typeOff;
        long te = ts + typeLen;
        long ss = hdrLen + strOff;
        long se = ss + strLen;
        if (te > data.length || se > data.length || typeLen % 4 != 0) {
            throw new BtfException("truncated BTF: type section [" + ts + "," + te + ") or string section [" + ss + ","
                    + se + ") lies beyond the " + data.length + "-byte file");
        }
        if (strLen == 0 || data[(int) ss] != 0) {
            throw new BtfException("bad BTF string section: it must start with an empty string; "
                    + "this may be split (module) BTF, which needs the vmlinux base and is not supported");
        }
        // The one pass over every type (126,000 in vmlinux) runs before the JIT has compiled anything: it reads
        // the info word straight from the array (no ByteBuffer call per type) and sizes records by kind code.
        boolean little = b.order() == ByteOrder.LITTLE_ENDIAN;
        int[] offsets = new int[Math.max(16, (int) (typeLen / 12) + 2)];
        int n = 1;
        int pos = (int) ts;
        int end = (int) te;
        while (pos < end) {
            if (pos + 12 > end) {
                throw new BtfException("truncated BTF type " + n + " at byte " + pos);
            }
            if (n == offsets.length) {
                offsets = Arrays.copyOf(offsets, n * 2);
            }
            offsets[n] = pos;
            int i = pos + 4;
            int info = little
                    ? (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | data[i + 3] << 24
                    : data[i] << 24 | (data[i + 1] & 0xff) << 16 | (data[i + 2] & 0xff) << 8 | (data[i + 3] & 0xff);
            int kindCode = (info >>> 24) & 0x1f;
            int extra = extra(kindCode, info & 0xffff);
            if (extra < 0) {
                throw new BtfException("unknown BTF kind " + kindCode + " at type id " + n
                        + ": this BTF is newer than Boxscope understands");
            }
            pos += 12 + extra;
            n++;
        }
        if (pos != end) {
            throw new BtfException("truncated BTF: last type runs past the type section");
        }
        return new Btf(b, (int) ts, (int) te, (int) ss, (int) strLen, offsets, n);
    }

    /**
     * Bytes after the 12-byte common header for each kind code (btf.rst 2.2; codes as {@link BtfKind}), or -1
     * for a code this version does not know. By code rather than by {@link BtfKind}: the parse loop calls it for
     * every type.
     */
    static int extra(int kindCode, int vlen) {
        return switch (kindCode) {
            case 1, 14, 17 -> 4;                  // INT, VAR, DECL_TAG
            case 3 -> 12;                         // ARRAY
            case 4, 5, 15, 19 -> 12 * vlen;       // STRUCT, UNION, DATASEC, ENUM64
            case 6, 13 -> 8 * vlen;               // ENUM, FUNC_PROTO
            case 2, 7, 8, 9, 10, 11, 12, 16, 18 -> 0; // PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG
            default -> -1;
        };
    }

    private static long u32(ByteBuffer b, int at) {
        return Integer.toUnsignedLong(b.getInt(at));
    }

    /** Number of type ids, void included: valid ids are 0 to typeCount()-1. */
    public int typeCount() {
        return count;
    }

    /** Byte length of the type and string sections. */
    public long sizeBytes() {
        return (typeEnd - typeStart) + (long) strLen;
    }

    private void checkId(int id) throws BtfException {
        if (id < 0 || id >= count) {
            throw new BtfException("no BTF type id " + id + " (ids run from 0 to " + (count - 1) + ")");
        }
    }

    public BtfKind kind(int id) throws BtfException {
        checkId(id);
        return id == 0 ? BtfKind.VOID : BtfKind.ofCode((buf.getInt(offsets[id] + 4) >>> 24) & 0x1f);
    }

    /** The type's own name ("" if anonymous, "void" for id 0). */
    public String name(int id) throws BtfException {
        checkId(id);
        return id == 0 ? "void" : string(buf.getInt(offsets[id]));
    }

    String string(int off) throws BtfException {
        if (off < 0 || off >= strLen) {
            throw new BtfException("BTF name offset " + Integer.toUnsignedString(off) + " is outside the "
                    + strLen + "-byte string section");
        }
        int start = strStart + off;
        int end = start;
        int limit = strStart + strLen;
        byte[] a = buf.array();
        while (end < limit && a[end] != 0) {
            end++;
        }
        return new String(a, start, end - start, StandardCharsets.UTF_8);
    }

    /** Decodes one type. */
    public BtfType type(int id) throws BtfException {
        checkId(id);
        if (id == 0) {
            return new BtfType.Void();
        }
        int p = offsets[id];
        String name = string(buf.getInt(p));
        int info = buf.getInt(p + 4);
        int vlen = info & 0xffff;
        boolean kflag = info < 0;
        int sizeOrType = buf.getInt(p + 8);
        int x = p + 12;
        BtfKind kind = BtfKind.ofCode((info >>> 24) & 0x1f);
        return switch (kind) {
            case VOID -> new BtfType.Void();
            case INT -> {
                int e = buf.getInt(x);
                yield new BtfType.Int(id, name, sizeOrType, (e >>> 24) & 0x0f, (e >>> 16) & 0xff, e & 0xff);
            }
            case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG -> new BtfType.Ref(id, kind, name, sizeOrType);
            case ARRAY -> new BtfType.Array(id, buf.getInt(x), buf.getInt(x + 4), buf.getInt(x + 8));
            case STRUCT, UNION -> {
                List<BtfType.Member> ms = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++, x += 12) {
                    long off = Integer.toUnsignedLong(buf.getInt(x + 8));
                    int bits = 0;
                    if (kflag) {
                        bits = (int) (off >>> 24);
                        off &= 0xffffff;
                    }
                    ms.add(new BtfType.Member(string(buf.getInt(x)), buf.getInt(x + 4), off, bits));
                }
                yield new BtfType.Struct(id, kind, name, sizeOrType, ms);
            }
            case ENUM -> {
                List<BtfType.Enumerator> vs = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++, x += 8) {
                    int v = buf.getInt(x + 4);
                    vs.add(new BtfType.Enumerator(string(buf.getInt(x)), kflag ? v : Integer.toUnsignedLong(v)));
                }
                yield new BtfType.Enum(id, kind, name, sizeOrType, kflag, vs);
            }
            case ENUM64 -> {
                List<BtfType.Enumerator> vs = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++, x += 12) {
                    long v = Integer.toUnsignedLong(buf.getInt(x + 4)) | ((long) buf.getInt(x + 8) << 32);
                    vs.add(new BtfType.Enumerator(string(buf.getInt(x)), v));
                }
                yield new BtfType.Enum(id, kind, name, sizeOrType, kflag, vs);
            }
            case FWD -> new BtfType.Fwd(id, name, kflag);
            case FUNC -> new BtfType.Func(id, name, sizeOrType, linkage(vlen, false));
            case FUNC_PROTO -> {
                List<BtfType.Param> ps = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++, x += 8) {
                    ps.add(new BtfType.Param(string(buf.getInt(x)), buf.getInt(x + 4)));
                }
                yield new BtfType.FuncProto(id, sizeOrType, ps);
            }
            case VAR -> new BtfType.Var(id, name, sizeOrType, linkage(buf.getInt(x), true));
            case DATASEC -> {
                List<BtfType.SecInfo> vs = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++, x += 12) {
                    vs.add(new BtfType.SecInfo(buf.getInt(x), Integer.toUnsignedLong(buf.getInt(x + 4)),
                            Integer.toUnsignedLong(buf.getInt(x + 8))));
                }
                yield new BtfType.Datasec(id, name, sizeOrType, vs);
            }
            case FLOAT -> new BtfType.Float(id, name, sizeOrType);
            case DECL_TAG -> new BtfType.DeclTag(id, name, sizeOrType, buf.getInt(x));
        };
    }

    /** FUNC: 0 static, 1 global, 2 extern. VAR: 0 static, 1 global-alloc, 2 extern (include/uapi/linux/btf.h). */
    private static BtfType.Linkage linkage(int v, boolean var) {
        return switch (v) {
            case 0 -> BtfType.Linkage.STATIC;
            case 1 -> BtfType.Linkage.GLOBAL;
            case 2 -> BtfType.Linkage.EXTERN;
            default -> BtfType.Linkage.UNKNOWN;
        };
    }

    /** The referenced type of PTR, TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG, FUNC, VAR, DECL_TAG; else -1. */
    int refType(int id) throws BtfException {
        return switch (kind(id)) {
            case PTR, TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG, FUNC, VAR, DECL_TAG -> buf.getInt(offsets[id] + 8);
            case VOID, INT, ARRAY, STRUCT, UNION, ENUM, FWD, FUNC_PROTO, DATASEC, FLOAT, ENUM64 -> -1;
        };
    }

    /** Follows typedefs and qualifiers (const, volatile, restrict, type tags) to the underlying type id. */
    public int resolve(int id) throws BtfException {
        int cur = id;
        for (int depth = 0; depth < 64; depth++) {
            switch (kind(cur)) {
                case TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG -> cur = refType(cur);
                case VOID, INT, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, FUNC, FUNC_PROTO, VAR, DATASEC, FLOAT, DECL_TAG,
                     ENUM64 -> {
                    return cur;
                }
            }
        }
        throw new BtfException("BTF type " + id + ": typedef/qualifier chain longer than 64 (a loop?)");
    }

    /** Size in bytes of a value of this type (pointers are 8 bytes: BTF here describes 64-bit kernels). */
    public long sizeOf(int id) throws BtfException {
        int r = resolve(id);
        return switch (kind(r)) {
            case INT, STRUCT, UNION, ENUM, ENUM64, FLOAT, DATASEC -> Integer.toUnsignedLong(buf.getInt(offsets[r] + 8));
            case PTR -> 8;
            case ARRAY -> {
                BtfType.Array a = (BtfType.Array) type(r);
                yield Integer.toUnsignedLong(a.length()) * sizeOf(a.elementType());
            }
            case VOID, FWD, FUNC, FUNC_PROTO, VAR, DECL_TAG, TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG ->
                    throw new BtfException("BTF type " + id + " (" + kind(r) + ") has no size");
        };
    }

    // ---- lookups by name ----

    /** The first type (lowest id) with this name and kind, if any. */
    public OptionalInt findId(String name, BtfKind kind) throws BtfException {
        for (int id : index().lookup(name)) {
            if (kind(id) == kind) {
                return OptionalInt.of(id);
            }
        }
        return OptionalInt.empty();
    }

    /** Every type id with this name, any kind, in id order. */
    public List<Integer> findIds(String name) {
        return Arrays.stream(index().lookup(name)).boxed().toList();
    }

    /** Like {@link #findId} but throws with a helpful message when the type does not exist. */
    public int requireId(String name, BtfKind kind) throws BtfException {
        OptionalInt id = findId(name, kind);
        if (id.isEmpty()) {
            throw new BtfException("no " + kind + " named '" + name + "' in this BTF");
        }
        return id.getAsInt();
    }

    /** Type ids of every type of this kind whose name starts with {@code prefix}, in id order. */
    public List<Integer> idsWithPrefix(BtfKind kind, String prefix) throws BtfException {
        byte[] want = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] a = buf.array();
        List<Integer> out = new ArrayList<>();
        for (int id = 1; id < count; id++) {
            int p = offsets[id];
            if (((buf.getInt(p + 4) >>> 24) & 0x1f) != kind.code()) {
                continue;
            }
            int off = buf.getInt(p);
            if (off <= 0 || off >= strLen || strStart + off + want.length > strStart + strLen) {
                continue;
            }
            if (Arrays.equals(a, strStart + off, strStart + off + want.length, want, 0, want.length)) {
                out.add(id);
            }
        }
        return out;
    }

    private NameIndex index() {
        NameIndex i = index;
        if (i == null) {
            synchronized (this) {
                i = index;
                if (i == null) {
                    i = new NameIndex(buf, offsets, count, strStart, strLen);
                    index = i;
                }
            }
        }
        return i;
    }

    // ---- members, prototypes, C spelling: see BtfLayout ----

    /** Resolves {@code struct.member.member} (e.g. {@code task_struct.pid}, {@code sock.__sk_common.skc_dport}). */
    public MemberLocation member(String path) throws BtfException {
        return BtfLayout.member(this, path);
    }

    /** Resolves a member path inside the struct or union with this type id. */
    public MemberLocation member(int containerId, String memberPath) throws BtfException {
        return BtfLayout.member(this, containerId, memberPath, memberPath);
    }

    /** The prototype of a FUNC, FUNC_PROTO, or a (typedef of a) pointer to one. */
    public FuncSignature signature(int id) throws BtfException {
        return BtfLayout.signature(this, id);
    }

    /**
     * The type id of typedef {@code btf_trace_<tracepoint>}, which tp_btf programs name as their
     * attach_btf_id (kernel/bpf/btf.c, btf_get_prog_ctx_type / bpf_check_attach_target).
     */
    public OptionalInt rawTracepointTypeId(String tracepoint) throws BtfException {
        return findId(BtfLayout.BTF_TRACE_PREFIX + tracepoint, BtfKind.TYPEDEF);
    }

    /** A raw tracepoint's arguments (what tp_btf / raw_tp programs get), without the leading {@code void *} cookie. */
    public FuncSignature rawTracepointSignature(String tracepoint) throws BtfException {
        return BtfLayout.rawTracepointSignature(this, tracepoint);
    }

    /** Every raw tracepoint vmlinux BTF describes (typedefs {@code btf_trace_*}), sorted by name. */
    public List<String> rawTracepoints() throws BtfException {
        return BtfLayout.rawTracepoints(this);
    }

    /** The type as C spells it: {@code struct task_struct *}, {@code const char *}, {@code char[16]}. */
    public String typeName(int id) throws BtfException {
        return BtfLayout.cName(this, id, 0);
    }
}
