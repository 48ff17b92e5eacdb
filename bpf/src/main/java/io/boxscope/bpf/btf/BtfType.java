package io.boxscope.bpf.btf;

import java.util.List;

/**
 * One decoded BTF type (Documentation/bpf/btf.rst, 2.2 "Type encoding"). Type references are type ids
 * into the same {@link Btf}; 0 is void. Names are empty for anonymous types.
 */
public sealed interface BtfType {
    int id();

    BtfKind kind();

    /** The type's name, empty if anonymous (bpftool prints {@code '(anon)'}). */
    String name();

    /** Type id 0. */
    record Void() implements BtfType {
        public int id() {
            return 0;
        }

        public BtfKind kind() {
            return BtfKind.VOID;
        }

        public String name() {
            return "void";
        }
    }

    /**
     * BTF_KIND_INT. {@code encoding} holds the BTF_INT_SIGNED (1), BTF_INT_CHAR (2), BTF_INT_BOOL (4) bits.
     */
    record Int(int id, String name, int size, int encoding, int bitOffset, int bits) implements BtfType {
        public static final int SIGNED = 1;
        public static final int CHAR = 2;
        public static final int BOOL = 4;

        public BtfKind kind() {
            return BtfKind.INT;
        }

        public boolean isSigned() {
            return (encoding & SIGNED) != 0;
        }
    }

    /** PTR, TYPEDEF, VOLATILE, CONST, RESTRICT and TYPE_TAG: a name (typedef, type tag) and one referenced type. */
    record Ref(int id, BtfKind kind, String name, int type) implements BtfType {}

    /** BTF_KIND_ARRAY. */
    record Array(int id, int elementType, int indexType, int length) implements BtfType {
        public BtfKind kind() {
            return BtfKind.ARRAY;
        }

        public String name() {
            return "";
        }
    }

    /** BTF_KIND_STRUCT or BTF_KIND_UNION with its members in declaration order. */
    record Struct(int id, BtfKind kind, String name, int size, List<Member> members) implements BtfType {
        public Struct {
            members = List.copyOf(members);
        }

        public boolean isUnion() {
            return kind == BtfKind.UNION;
        }
    }

    /** A struct or union member; {@code bitfieldSize} is 0 unless the member is a bitfield. */
    record Member(String name, int type, long bitOffset, int bitfieldSize) {}

    /** BTF_KIND_ENUM (values fit 32 bits) or BTF_KIND_ENUM64. */
    record Enum(int id, BtfKind kind, String name, int size, boolean signed, List<Enumerator> values) implements BtfType {
        public Enum {
            values = List.copyOf(values);
        }
    }

    /** One enumerator; for an unsigned 64-bit enum read {@code value} with Long.toUnsignedString. */
    record Enumerator(String name, long value) {}

    /** BTF_KIND_FWD: a declared but not defined struct or union. */
    record Fwd(int id, String name, boolean union) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FWD;
        }
    }

    /** BTF_KIND_FUNC: a function's name, linkage and its FUNC_PROTO. */
    record Func(int id, String name, int type, Linkage linkage) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FUNC;
        }
    }

    /** Linkage of FUNC (static, global, extern) and VAR (static, global-alloc, extern). */
    enum Linkage { STATIC, GLOBAL, EXTERN, UNKNOWN }

    /** BTF_KIND_FUNC_PROTO. A last parameter with type 0 and no name means {@code ...}. */
    record FuncProto(int id, int returnType, List<Param> params) implements BtfType {
        public FuncProto {
            params = List.copyOf(params);
        }

        public BtfKind kind() {
            return BtfKind.FUNC_PROTO;
        }

        public String name() {
            return "";
        }

        public boolean isVariadic() {
            return !params.isEmpty() && params.getLast().type() == 0 && params.getLast().name().isEmpty();
        }
    }

    /** A FUNC_PROTO parameter; names are often empty (pahole keeps them for FUNCs only). */
    record Param(String name, int type) {}

    /** BTF_KIND_VAR: a global or per-CPU variable. */
    record Var(int id, String name, int type, Linkage linkage) implements BtfType {
        public BtfKind kind() {
            return BtfKind.VAR;
        }
    }

    /** BTF_KIND_DATASEC: an ELF section's variables with their offsets. */
    record Datasec(int id, String name, int size, List<SecInfo> vars) implements BtfType {
        public Datasec {
            vars = List.copyOf(vars);
        }

        public BtfKind kind() {
            return BtfKind.DATASEC;
        }
    }

    /** One DATASEC entry: a VAR type id, its offset in the section and size. */
    record SecInfo(int type, long offset, long size) {}

    /** BTF_KIND_FLOAT. */
    record Float(int id, String name, int size) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FLOAT;
        }
    }

    /**
     * BTF_KIND_DECL_TAG: {@code __attribute__((btf_decl_tag(name)))} on a type, or with
     * {@code componentIndex >= 0} on that member or parameter.
     */
    record DeclTag(int id, String name, int type, int componentIndex) implements BtfType {
        public BtfKind kind() {
            return BtfKind.DECL_TAG;
        }
    }
}
