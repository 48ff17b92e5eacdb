package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import io.boxscope.bpf.btf.Btf;
import org.junit.jupiter.api.Test;

/**
 * {@link ExeAccess#capField}: which word of {@code cred.cap_effective} holds CAP_FOWNER and CAP_DAC_OVERRIDE, decided
 * from BTF. kernel_cap_t is {@code typedef struct { u64 val; } kernel_cap_t} since Linux 6.3 and {@code typedef struct
 * kernel_cap_struct { __u32 cap[2]; } kernel_cap_t} before (include/linux/capability.h); a BTF of each, built here in
 * both byte orders (the format of Documentation/bpf/btf.rst), gives the u64 at the member's offset or cap[0], a u32.
 * Before, the word was always read as a u64: on a big-endian kernel before 6.3 that took cap[1] into the low bits.
 */
class ExeAccessCapTest {

    @Test
    void aU64ValIsReadWhole() throws Exception {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            assertArrayEquals(new int[] {16, 8}, ExeAccess.capField(Btf.parse(cred(order, false))), order.toString());
        }
    }

    @Test
    void aU32ArrayIsReadAsItsFirstWord() throws Exception {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            assertArrayEquals(new int[] {16, 4}, ExeAccess.capField(Btf.parse(cred(order, true))), order.toString());
        }
    }

    /**
     * A BTF with {@code struct cred { u32 fsuid; u32 fsgid; u64 pad; kernel_cap_t cap_effective; }}: kernel_cap_t
     * a typedef of an anonymous struct of {@code u64 val} or of {@code u32 cap[2]} ({@code array}).
     */
    private static byte[] cred(ByteOrder order, boolean array) {
        ByteArrayOutputStream strs = new ByteArrayOutputStream();
        strs.write(0);
        ByteBuffer t = ByteBuffer.allocate(512).order(order);
        int u32 = name(strs, "u32");
        int u64 = name(strs, "u64");
        // 1: u32, 2: u64 (INT, kind 1: size, then encoding | offset | bits)
        t.putInt(u32).putInt(1 << 24).putInt(4).putInt(32);
        t.putInt(u64).putInt(1 << 24).putInt(8).putInt(64);
        // 3: u32[2] (ARRAY, kind 3: element, index type, count)
        t.putInt(0).putInt(3 << 24).putInt(0).putInt(1).putInt(1).putInt(2);
        // 4: the anonymous struct (kind 4, one member)
        t.putInt(0).putInt(4 << 24 | 1).putInt(8).putInt(name(strs, array ? "cap" : "val")).putInt(array ? 3 : 2).putInt(0);
        // 5: typedef kernel_cap_t (kind 8)
        t.putInt(name(strs, "kernel_cap_t")).putInt(8 << 24).putInt(4);
        // 6: struct cred
        t.putInt(name(strs, "cred")).putInt(4 << 24 | 4).putInt(24)
                .putInt(name(strs, "fsuid")).putInt(1).putInt(0)
                .putInt(name(strs, "fsgid")).putInt(1).putInt(32)
                .putInt(name(strs, "pad")).putInt(2).putInt(64)
                .putInt(name(strs, "cap_effective")).putInt(5).putInt(128);
        int typeLen = t.position();
        byte[] s = strs.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(24 + typeLen + s.length).order(order);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24)
                .putInt(0).putInt(typeLen).putInt(typeLen).putInt(s.length);
        b.put(t.array(), 0, typeLen).put(s);
        return b.array();
    }

    private static int name(ByteArrayOutputStream strs, String n) {
        int off = strs.size();
        strs.writeBytes(n.getBytes(StandardCharsets.US_ASCII));
        strs.write(0);
        return off;
    }
}
