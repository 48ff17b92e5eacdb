package io.boxscope.bpf.prog;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.Errno;

/**
 * Minimal private lookup of a named type's id in the kernel's BTF (/sys/kernel/btf/vmlinux;
 * Documentation/bpf/btf.rst), enough for tp_btf ({@code btf_trace_<tracepoint>} typedefs) and fentry
 * (FUNC) attach targets. The full BTF parser is {@code io.boxscope.bpf.btf}, built separately; this
 * walks the type section once per lookup and keeps nothing.
 */
public final class KernelBtf {
    /** BTF kinds used here. */
    public static final int KIND_TYPEDEF = 8, KIND_FUNC = 12;
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");
    private static volatile byte[] cached;

    private KernelBtf() {}

    /** The BTF type id of {@code btf_trace_<tracepoint>}, e.g. for "sched_switch". */
    public static int tracepointTypeId(String tracepoint) {
        return typeId(KIND_TYPEDEF, "btf_trace_" + tracepoint);
    }

    /** The id of the first type of this kind and name; throws if absent. */
    public static int typeId(int kind, String name) {
        byte[] btf = load();
        int id = typeId(btf, kind, name);
        if (id <= 0) {
            throw new BpfException("find BTF type " + name + " in " + VMLINUX, Errno.ENOENT.number(),
                    "the running kernel has no such type (tracepoint or function name wrong, or not in vmlinux)");
        }
        return id;
    }

    private static byte[] load() {
        byte[] b = cached;
        if (b == null) {
            try {
                b = Files.readAllBytes(VMLINUX);
            } catch (IOException e) {
                throw new BpfException("read " + VMLINUX, Errno.ENOENT.number(),
                        "kernel built without CONFIG_DEBUG_INFO_BTF; tp_btf and fentry need it");
            }
            cached = b;
        }
        return b;
    }

    /** Pure lookup in raw BTF bytes (little endian); 0 if not found. */
    static int typeId(byte[] btf, int kind, String name) {
        MemorySegment m = MemorySegment.ofArray(btf);
        ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED;
        if ((m.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0) & 0xffff) != 0xeb9f) {
            throw new IllegalArgumentException("not BTF data (magic)");
        }
        long hdr = m.get(u32, 4);
        long typeOff = hdr + m.get(u32, 8);
        long typeEnd = typeOff + m.get(u32, 12);
        long strOff = hdr + m.get(u32, 16);
        byte[] want = name.getBytes(StandardCharsets.UTF_8);
        int id = 1;
        for (long p = typeOff; p < typeEnd; id++) {
            int nameOff = m.get(u32, p);
            int info = m.get(u32, p + 4);
            int vlen = info & 0xffff;
            int k = (info >>> 24) & 0x1f;
            if (k == kind && matches(btf, strOff + nameOff, want)) {
                return id;
            }
            p += 12 + switch (k) {
                case 1, 14, 17 -> 4;              // INT, VAR, DECL_TAG
                case 3 -> 12;                     // ARRAY
                case 4, 5, 15, 19 -> 12L * vlen;  // STRUCT, UNION, DATASEC, ENUM64
                case 6, 13 -> 8L * vlen;          // ENUM, FUNC_PROTO
                default -> 0;                     // PTR, FWD, TYPEDEF, qualifiers, FUNC, FLOAT, TYPE_TAG
            };
        }
        return 0;
    }

    private static boolean matches(byte[] b, long at, byte[] want) {
        if (at + want.length >= b.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (b[(int) at + i] != want[i]) {
                return false;
            }
        }
        return b[(int) at + want.length] == 0;
    }
}
