package io.boxscope.trace.scap;

/**
 * The types of event parameters (falcosecurity/libs {@code enum ppm_param_type}, driver/ppm_events_public.h),
 * in their numeric order. {@link #size()} is the fixed encoded size in bytes, or -1 when the length
 * comes from the event's parameter-length array.
 */
public enum ParamType {
    NONE(0), INT8(1), INT16(2), INT32(4), INT64(8), UINT8(1), UINT16(2), UINT32(4), UINT64(8),
    CHARBUF(-1), BYTEBUF(-1), ERRNO(8), SOCKADDR(-1), SOCKTUPLE(-1), FD(8), PID(8), FDLIST(-1),
    FSPATH(-1), SYSCALLID(2), SIGTYPE(1), RELTIME(8), ABSTIME(8), PORT(2), L4PROTO(1), SOCKFAMILY(1),
    BOOL(4), IPV4ADDR(4), DYN(-1), FLAGS8(1), FLAGS16(2), FLAGS32(4), UID(4), GID(4), DOUBLE(8),
    SIGSET(4), CHARBUFARRAY(8), CHARBUF_PAIR_ARRAY(8), IPV4NET(-1), IPV6ADDR(16), IPV6NET(-1),
    IPADDR(-1), IPNET(-1), MODE(4), FSRELPATH(-1);

    private final int size;

    ParamType(int size) {
        this.size = size;
    }

    /** Fixed encoded size in bytes, or -1 for variable-length parameters. */
    public int size() {
        return size;
    }

    /** True for the signed integer types that print with %d (errno, fd and pid are 64-bit signed). */
    public boolean signed() {
        return switch (this) {
            case INT8, INT16, INT32, INT64, ERRNO, FD, PID -> true;
            default -> false;
        };
    }
}
