package io.boxscope.bpf.btf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Hash index from type name to type ids, built from the string section's bytes without creating a String
 * per type: chained hashing in two int arrays (bucket heads, next links), FNV-1a over the UTF-8 name.
 */
final class NameIndex {
    private static final int[] NONE = new int[0];

    private final ByteBuffer buf;
    private final int[] offsets;
    private final int strStart;
    private final int strEnd;
    private final int[] heads;
    private final int[] next;

    NameIndex(ByteBuffer buf, int[] offsets, int count, int strStart, int strLen) {
        this.buf = buf;
        this.offsets = offsets;
        this.strStart = strStart;
        this.strEnd = strStart + strLen;
        int cap = Integer.highestOneBit(Math.max(16, count)) << 1;
        heads = new int[cap];
        next = new int[count];
        byte[] a = buf.array();
        boolean little = buf.order() == java.nio.ByteOrder.LITTLE_ENDIAN;
        // Insert in reverse so each chain lists ids in ascending order. Runs once per type before the JIT has
        // compiled anything: name_off is read from the array directly, not through a ByteBuffer call.
        for (int id = count - 1; id >= 1; id--) {
            int i = offsets[id];
            int off = little
                    ? (a[i] & 0xff) | (a[i + 1] & 0xff) << 8 | (a[i + 2] & 0xff) << 16 | a[i + 3] << 24
                    : a[i] << 24 | (a[i + 1] & 0xff) << 16 | (a[i + 2] & 0xff) << 8 | (a[i + 3] & 0xff);
            if (off <= 0 || off >= strLen) {
                continue;
            }
            int h = hash(a, strStart + off) & (cap - 1);
            next[id] = heads[h];
            heads[h] = id;
        }
    }

    private int hash(byte[] a, int from) {
        int h = 0x811c9dc5;
        for (int i = from; i < strEnd && a[i] != 0; i++) {
            h = (h ^ (a[i] & 0xff)) * 0x01000193;
        }
        return h;
    }

    int[] lookup(String name) {
        byte[] want = name.getBytes(StandardCharsets.UTF_8);
        if (want.length == 0) {
            return NONE;
        }
        int h = 0x811c9dc5;
        for (byte c : want) {
            h = (h ^ (c & 0xff)) * 0x01000193;
        }
        byte[] a = buf.array();
        int[] out = NONE;
        int n = 0;
        for (int id = heads[h & (heads.length - 1)]; id != 0; id = next[id]) {
            int s = strStart + buf.getInt(offsets[id]);
            int e = s + want.length;
            if (e < strEnd && a[e] == 0 && Arrays.equals(a, s, e, want, 0, want.length)) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, Math.max(4, n * 2));
                }
                out[n++] = id;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
