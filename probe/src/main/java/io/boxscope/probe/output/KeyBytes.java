package io.boxscope.probe.output;


/**
 * A key argument's bytes as the kernel stores them (integers in the host's byte order, little-endian
 * on x86_64 and big-endian on s390x, as bpftrace's {@code std::map} of key bytes sees them; strings
 * followed by zero padding, a buffer's length byte then its bytes): only their order matters, for
 * {@link MapOrder#compareKeyBytes}.
 */
final class KeyBytes {
    private KeyBytes() {}

    static byte[] of(Value v) {
        return switch (v) {
            case Value.Int i -> hostOrder(i.bits(), 8); // keys hold integers promoted to 64 bits
            case Value.Str s -> io.boxscope.proc.RawText.encode(s.text());
            case Value.Buffer b -> withLength(b.bytes());
            case Value.Pointer p -> hostOrder(p.address(), 8);
            case Value.Resolved r -> hostOrder(r.raw(), 8);
            case Value.Stack s -> hostOrder(s.id(), 8);
            case Value.Tuple t -> concat(t.elements());
            case Value.Array a -> concat(a.elements());
            case Value.Record r -> concat(r.fields().stream().map(Value.Field::value).toList());
        };
    }

    private static final boolean LITTLE = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    private static byte[] hostOrder(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[LITTLE ? i : n - 1 - i] = (byte) (v >>> (8 * i));
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
