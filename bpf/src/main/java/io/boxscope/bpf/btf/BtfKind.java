package io.boxscope.bpf.btf;

/**
 * BTF type kinds, numbered as in include/uapi/linux/btf.h ({@code BTF_KIND_*}); Documentation/bpf/btf.rst
 * section 2.2 describes each. {@link #VOID} is type id 0, which has no record in the type section.
 */
public enum BtfKind {
    VOID(0), INT(1), PTR(2), ARRAY(3), STRUCT(4), UNION(5), ENUM(6), FWD(7), TYPEDEF(8), VOLATILE(9), CONST(10),
    RESTRICT(11), FUNC(12), FUNC_PROTO(13), VAR(14), DATASEC(15), FLOAT(16), DECL_TAG(17), TYPE_TAG(18), ENUM64(19);

    private static final BtfKind[] BY_CODE = values();

    private final int code;

    BtfKind(int code) {
        this.code = code;
    }

    /** The number stored in bits 24-28 of {@code btf_type.info}. */
    public int code() {
        return code;
    }

    /** The kind with this code, or null for a code this version does not know. */
    public static BtfKind ofCode(int code) {
        return code >= 1 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** The name bpftool prints ({@code STRUCT}, {@code FUNC_PROTO}, ...). */
    public String label() {
        return name();
    }
}
