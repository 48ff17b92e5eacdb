package io.boxscope.trace.filter;

/**
 * The type of a filter field, as sysdig 0.29 declares it (its {@code ppm_param_type}); the label is
 * what {@code sysdig -lv} prints after "Type:". The type decides how a value in a filter is parsed
 * and which operators apply (falcosecurity/libs userspace/libsinsp/filter.cpp, flt_compare).
 */
public enum FieldType {
    /** A NUL-terminated string: every string operator, and {@code <}…{@code >=} as strcmp. */
    CHARBUF("CHARBUF", Kind.STRING, 0),
    /** A binary buffer: =, !=, contains, startswith, endswith on bytes. */
    BYTEBUF("BYTEBUF", Kind.BUFFER, 0),
    INT16("INT16", Kind.SIGNED, 16),
    INT32("INT32", Kind.SIGNED, 32),
    INT64("INT64", Kind.SIGNED, 64),
    UINT8("UINT8", Kind.UNSIGNED, 8),
    UINT16("UINT16", Kind.UNSIGNED, 16),
    UINT32("UINT32", Kind.UNSIGNED, 32),
    UINT64("UINT64", Kind.UNSIGNED, 64),
    /** A duration in nanoseconds (unsigned 64-bit). */
    RELTIME("RELTIME", Kind.UNSIGNED, 64),
    /** A point in time in nanoseconds since the epoch (unsigned 64-bit). */
    ABSTIME("ABSTIME", Kind.UNSIGNED, 64),
    /** {@code true} or {@code false}, nothing else (sysdig: "unrecognized boolean value"). */
    BOOL("BOOL", Kind.BOOL, 32),
    /** An IPv4 or IPv6 address: =, !=, in. */
    IPADDR("IPADDR", Kind.ADDRESS, 0),
    /** An IP network, for filter-only fields: "a.b.c.d/N", or an IPv6 address standing for its /64. */
    IPNET("IPNET", Kind.NETWORK, 0),
    /** A TCP/UDP port: a number or a service name from /etc/services. */
    PORT("PORT", Kind.UNSIGNED, 16),
    /**
     * A floating-point number (proc.fdusage). sysdig 0.29 prints it with {@code %.1lf} (filter.cpp rawval_to_string)
     * and cannot parse a filter value for it (string_to_rawval has no PT_DOUBLE: "wrong parameter type 33"), so
     * only {@code exists} compares it.
     */
    DOUBLE("DOUBLE", Kind.DOUBLE, 64),
    /** The type of the event argument named, found when the field is parsed (evt.rawarg.NAME). */
    DYNAMIC("DYNAMIC", Kind.STRING, 0);

    /** How values of a type compare. */
    public enum Kind { STRING, BUFFER, SIGNED, UNSIGNED, BOOL, ADDRESS, NETWORK, DOUBLE }

    private final String label;
    private final Kind kind;
    private final int bits;

    FieldType(String label, Kind kind, int bits) {
        this.label = label;
        this.kind = kind;
        this.bits = bits;
    }

    /** The name sysdig -lv prints. */
    public String label() {
        return label;
    }

    public Kind kind() {
        return kind;
    }

    /** Width in bits of a number type (a filter value is truncated to it, as sysdig stores it). */
    public int bits() {
        return bits;
    }

    public boolean numeric() {
        return kind == Kind.SIGNED || kind == Kind.UNSIGNED;
    }
}
