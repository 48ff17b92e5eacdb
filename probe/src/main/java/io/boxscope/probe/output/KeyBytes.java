package io.boxscope.probe.output;

import java.nio.charset.StandardCharsets;

/**
 * A key argument's bytes as the kernel stores them (little-endian integers, strings followed by
 * zero padding, a buffer's length byte then its bytes): only their order matters, for
 * {@link MapOrder#compareKeyBytes}.
 */
final class KeyBytes {
    private KeyBytes() {}

    static byte[] of(Value v) {
        return switch (v) {
            case Value.Int i -> littleEndian(i.bits(), 8); // keys hold integers promoted to 64 bits
            case Value.Str s -> s.text().getBytes(StandardCharsets.UTF_8);
            case Value.Buffer b -> withLength(b.bytes());
            case Value.Pointer p -> littleEndian(p.address(), 8);
            case Value.Resolved r -> littleEndian(r.raw(), 8);
            case Value.Stack s -> littleEndian(s.id(), 8);
            case Value.Tuple t -> concat(t.elements());
            case Value.Array a -> concat(a.elements());
            case Value.Record r -> concat(r.fields().stream().map(Value.Field::value).toList());
        };
    }

    private static byte[] littleEndian(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    private static byte[] withLength(byte[] data) {
        byte[] b = new byte[data.length + 1];
        b[0] = (byte) data.length;
        System.arraycopy(data, 0, b, 1, data.length);
        return b;
    }

    private static byte[] concat(java.util.List<Value> parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Value p : parts) {
            out.writeBytes(of(p));
        }
        return out.toByteArray();
    }
}
