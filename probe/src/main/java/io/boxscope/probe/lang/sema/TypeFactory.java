package io.boxscope.probe.lang.sema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfException;
import io.boxscope.bpf.btf.BtfKind;
import io.boxscope.bpf.btf.BtfType;
import io.boxscope.bpf.btf.MemberLocation;
import io.boxscope.bpf.feature.BootCache;
import io.boxscope.bpf.tracefs.EventField;
import io.boxscope.bpf.tracefs.EventFormat;
import io.boxscope.probe.lang.ast.StructDef;
import io.boxscope.probe.lang.ast.StructField;
import io.boxscope.probe.lang.ast.TypeName;

/**
 * Builds {@link SType}s from kernel BTF, from C type spellings (tracepoint format files, casts) and
 * from struct definitions in the script. A struct the script defines that BTF also has is taken from
 * BTF (the kernel's layout is the true one; bpftrace's tools define some only for kernels without BTF).
 */
final class TypeFactory {
    private static final Map<String, SType.Int> C_INTS = new HashMap<>();

    static {
        for (int b : new int[] {1, 2, 4, 8}) {
            C_INTS.put("int" + b * 8, new SType.Int(b, true));
            C_INTS.put("uint" + b * 8, new SType.Int(b, false));
            C_INTS.put("s" + b * 8, new SType.Int(b, true));
            C_INTS.put("u" + b * 8, new SType.Int(b, false));
            C_INTS.put("__s" + b * 8, new SType.Int(b, true));
            C_INTS.put("__u" + b * 8, new SType.Int(b, false));
        }
        C_INTS.put("char", new SType.Int(1, true));
        C_INTS.put("signed char", new SType.Int(1, true));
        C_INTS.put("unsigned char", new SType.Int(1, false));
        C_INTS.put("bool", new SType.Int(1, false));
        C_INTS.put("_Bool", new SType.Int(1, false));
        C_INTS.put("short", new SType.Int(2, true));
        C_INTS.put("short int", new SType.Int(2, true));
        C_INTS.put("unsigned short", new SType.Int(2, false));
        C_INTS.put("unsigned short int", new SType.Int(2, false));
        C_INTS.put("int", new SType.Int(4, true));
        C_INTS.put("signed", new SType.Int(4, true));
        C_INTS.put("signed int", new SType.Int(4, true));
        C_INTS.put("unsigned", new SType.Int(4, false));
        C_INTS.put("unsigned int", new SType.Int(4, false));
        for (String l : List.of("long", "long int", "long long", "long long int", "signed long", "ssize_t", "loff_t", "off_t")) {
            C_INTS.put(l, SType.Int.I64);
        }
        for (String l : List.of("unsigned long", "unsigned long int", "unsigned long long", "unsigned long long int",
                "size_t", "uintptr_t")) {
            C_INTS.put(l, SType.Int.U64);
        }
    }

    /** The kernel's BTF, read when a type first needs it (null: none): a program of tracepoint args needs none. */
    private final java.util.function.Supplier<Btf> btfSource;
    private Btf btf;
    private boolean btfRead;
    private final Map<String, StructDef> scriptStructs = new HashMap<>();
    private final Map<String, SType.Record> scriptRecords = new HashMap<>();

    /**
     * What the kernel's typedefs named in tracepoint formats ({@code pid_t}, {@code umode_t}, {@code size_t}...)
     * resolve to, kept per boot so that a program reading tracepoint args needs no BTF after the first run: the
     * answers are derived from this kernel's BTF (never from a built-in table) when first asked, then stored
     * (null: no such cache, e.g. a test, another sys root, or caching off).
     */
    private final BootCache typedefs;

    TypeFactory(Optional<Btf> btf, List<StructDef> structs) {
        this(() -> btf.orElse(null), structs, null);
    }

    TypeFactory(java.util.function.Supplier<Btf> btf, List<StructDef> structs, BootCache typedefs) {
        this.btfSource = btf;
        this.typedefs = typedefs;
        for (StructDef s : structs) {
            scriptStructs.put((s.union() ? "union " : "struct ") + s.name(), s);
        }
    }

    Btf btf() {
        if (!btfRead) {
            btf = btfSource.get();
            btfRead = true;
        }
        return btf;
    }

    /** An integer type by bpftrace or C name, or null. */
    static SType.Int integer(String name) {
        return C_INTS.get(name);
    }

    /** A type from BTF; typedefs and qualifiers are followed. */
    SType fromBtf(int id) throws BtfException {
        return fromBtf(id, 0);
    }

    private SType fromBtf(int id, int depth) throws BtfException {
        if (depth > 16) {
            return SType.Int.U64;
        }
        int r = btf().resolve(id);
        BtfType t = btf().type(r);
        return switch (t) {
            case BtfType.Void v -> new SType.None();
            case BtfType.Int i -> (i.encoding() & BtfType.Int.BOOL) != 0 ? new SType.Int(1, false)
                    : new SType.Int(Math.max(1, Math.min(8, i.size())), i.isSigned() || i.name().equals("char"));
            case BtfType.Enum e -> new SType.Int(Math.min(8, e.size()), e.signed());
            case BtfType.Ref ref when ref.kind() == BtfKind.PTR -> {
                int target = btf().resolve(ref.type());
                yield btf().kind(target) == BtfKind.FUNC_PROTO ? new SType.Ptr(new SType.None()) : new SType.Ptr(fromBtf(ref.type(), depth + 1));
            }
            case BtfType.Array a -> {
                SType elem = fromBtf(a.elementType(), depth + 1);
                yield elem instanceof SType.Int ei && ei.bytes() == 1 && isCharArray(a.elementType())
                        ? new SType.Str(a.length()) : new SType.Array(elem, a.length());
            }
            case BtfType.Struct s -> new SType.Record((s.isUnion() ? "union " : "struct ") + s.name(), s.size(), s.id(), List.of());
            case BtfType.Fwd f -> new SType.Record((f.union() ? "union " : "struct ") + f.name(), 0, f.id(), List.of());
            case BtfType.Float f -> new SType.Int(f.size(), true);
            case BtfType.Ref ref -> SType.Int.U64;
            case BtfType.FuncProto fp -> new SType.None();
            case BtfType.Func f -> new SType.None();
            case BtfType.Var v -> fromBtf(v.type(), depth + 1);
            case BtfType.Datasec d -> new SType.None();
            case BtfType.DeclTag d -> new SType.None();
        };
    }

    private boolean isCharArray(int elemId) throws BtfException {
        return btf().type(btf().resolve(elemId)) instanceof BtfType.Int i && i.name().equals("char");
    }

    /** A struct/union by its spelled name ({@code struct sock}); BTF first, then the script's definitions. */
    SType.Record record(String name) throws BtfException {
        if (btf() != null) {
            boolean union = name.startsWith("union ");
            String bare = name.substring(name.indexOf(' ') + 1);
            OptionalInt id = btf().findId(bare, union ? BtfKind.UNION : BtfKind.STRUCT);
            if (id.isPresent()) {
                return (SType.Record) fromBtf(id.getAsInt());
            }
        }
        SType.Record r = scriptRecords.get(name);
        if (r != null) {
            return r;
        }
        StructDef def = scriptStructs.get(name);
        if (def == null) {
            return null;
        }
        r = layout(def);
        scriptRecords.put(name, r);
        return r;
    }

    /** C layout of a script-defined struct: each field at its natural alignment (at most 8). */
    private SType.Record layout(StructDef def) throws BtfException {
        List<SType.RecordField> fields = new ArrayList<>();
        long off = 0;
        long maxAlign = 1;
        long size = 0;
        for (StructField f : def.fields()) {
            SType t = fromTypeName(f.type());
            if (t == null) {
                t = SType.Int.U64;
            }
            long align = Math.max(1, Math.min(8, t instanceof SType.Str || t instanceof SType.Array a && a.element().size() == 1 ? 1
                    : t instanceof SType.Array a2 ? a2.element().size() : t instanceof SType.Record ? 8 : t.size()));
            maxAlign = Math.max(maxAlign, align);
            long at = def.union() ? 0 : (off + align - 1) / align * align;
            fields.add(new SType.RecordField(f.name(), t, at, FieldAccess.Layout.PLAIN));
            off = at + t.size();
            size = Math.max(size, off);
        }
        size = (size + maxAlign - 1) / maxAlign * maxAlign;
        return new SType.Record((def.union() ? "union " : "struct ") + def.name(), size, -1, fields);
    }

    /** A written type ({@code uint8}, {@code struct sock *}, {@code char[16]}); null when unknown. */
    SType fromTypeName(TypeName tn) throws BtfException {
        SType base;
        if (tn.isRecord()) {
            base = record(tn.name());
        } else if (tn.name().startsWith("enum ")) {
            base = new SType.Int(4, false);
        } else if (tn.name().equals("void")) {
            base = new SType.None();
        } else {
            base = integer(tn.name());
            if (base == null && btf() != null) {
                OptionalInt td = btf().findId(tn.name(), BtfKind.TYPEDEF);
                base = td.isPresent() ? fromBtf(td.getAsInt()) : null;
            }
        }
        if (base == null) {
            return null;
        }
        for (int i = 0; i < tn.pointers(); i++) {
            base = new SType.Ptr(base);
        }
        if (tn.arrayLength() >= 0) {
            base = base instanceof SType.Int in && in.bytes() == 1 && tn.name().contains("char")
                    ? new SType.Str(tn.arrayLength()) : new SType.Array(base, tn.arrayLength());
        }
        return base;
    }

    /** A tracepoint's {@code args} record from its format file (common_* fields left out, as bpftrace does). */
    SType.Record tracepointArgs(String system, String event, EventFormat fmt) throws BtfException {
        List<SType.RecordField> fields = new ArrayList<>();
        long size = 0;
        for (EventField f : fmt.fields()) {
            size = Math.max(size, f.offset() + (long) f.size());
            if (f.isCommon()) {
                continue;
            }
            SType t;
            FieldAccess.Layout layout = FieldAccess.Layout.PLAIN;
            switch (f.kind()) {
                case DATA_LOC, REL_LOC -> {
                    t = new SType.Str(64);
                    layout = f.kind() == EventField.Kind.DATA_LOC ? FieldAccess.Layout.DATA_LOC : FieldAccess.Layout.REL_LOC;
                }
                case FIXED_ARRAY -> t = f.isString() ? new SType.Str(Math.max(1, f.arrayLength()))
                        : new SType.Array(scalar(f.type(), f.arrayLength() > 0 ? f.size() / f.arrayLength() : 1, f.signed()),
                                Math.max(0, f.arrayLength()));
                case FLEXIBLE_ARRAY -> t = new SType.Array(scalar(f.type(), 1, f.signed()), 0);
                case POINTER -> t = pointer(f.type());
                case SCALAR -> t = scalarField(f);
                default -> t = SType.Int.U64;
            }
            fields.add(new SType.RecordField(f.name(), t, f.offset(), layout));
        }
        return new SType.Record("struct _tracepoint_" + system + "_" + event, size, -1, fields);
    }

    /**
     * A scalar tracepoint field, typed by its C type as bpftrace does (syscall formats say signed:0 for
     * every argument): {@code int}/{@code unsigned int} in an 8-byte slot become 64-bit (bpftrace's
     * TracepointFormatParser::adjust_integer_types); other known types keep their own size.
     */
    private SType scalarField(EventField f) throws BtfException {
        String c = f.type().replace("const ", "").replace("volatile ", "").strip();
        if (f.size() == 8 && (c.equals("int") || c.equals("unsigned int"))) {
            return new SType.Int(8, c.equals("int"));
        }
        SType t = named(c, true);
        if (t instanceof SType.Int i && i.bytes() <= f.size()) {
            return i;
        }
        return new SType.Int(clamp(f.size()), f.signed());
    }

    private static int clamp(int size) {
        return size == 1 || size == 2 || size == 4 ? size : 8;
    }

    private SType scalar(String cType, int size, boolean signed) throws BtfException {
        SType t = named(cType.replace("const ", "").replace("volatile ", "").strip(), true);
        return t instanceof SType.Int ? t : new SType.Int(clamp(size), signed);
    }

    /** {@code const char *}, {@code struct sockaddr *}, {@code unsigned long *}... */
    SType pointer(String cType) throws BtfException {
        String s = cType.replace("const ", "").replace("volatile ", "").replace("__user ", "").strip();
        int stars = 0;
        while (s.endsWith("*")) {
            s = s.substring(0, s.length() - 1).strip();
            stars++;
        }
        SType base = named(s, false);
        if (base == null) {
            base = new SType.None();
        }
        for (int i = 0; i < Math.max(1, stars); i++) {
            base = new SType.Ptr(base);
        }
        return base;
    }

    /**
     * A type by name: a record, void, a C or bpftrace integer, or a kernel typedef. With {@code intOnly} the
     * caller uses the answer only when it is an integer (a scalar field falls back to the format's size and
     * signedness otherwise), so a typedef the per-boot cache knows is not one needs no BTF either.
     */
    private SType named(String s, boolean intOnly) throws BtfException {
        if (s.startsWith("struct ") || s.startsWith("union ")) {
            return record(s);
        }
        if (s.equals("void")) {
            return new SType.None();
        }
        SType t = integer(s);
        return t != null ? t : typedef(s, intOnly);
    }

    private static final String NO_TYPEDEF = "none";
    private static final String NOT_INTEGER = "other";

    private SType typedef(String s, boolean intOnly) throws BtfException {
        String key = "typedef:" + s;
        String known = typedefs == null || s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0 ? null
                : typedefs.get(key).orElse(null);
        if (known != null) {
            if (known.equals(NO_TYPEDEF) || known.equals(NOT_INTEGER) && intOnly) {
                return null;
            }
            String[] p = known.split(" ");
            if (p.length == 3 && p[0].equals("int")) {
                return new SType.Int(Integer.parseInt(p[1]), p[2].equals("1"));
            }
        }
        if (btf() == null) {
            return null;
        }
        OptionalInt td = btf().findId(s, BtfKind.TYPEDEF);
        SType t = td.isPresent() ? fromBtf(td.getAsInt()) : null;
        if (typedefs != null && known == null && s.indexOf('\t') < 0 && s.indexOf('\n') < 0) {
            typedefs.put(key, t == null ? NO_TYPEDEF
                    : t instanceof SType.Int i ? "int " + i.bytes() + " " + (i.signed() ? 1 : 0) : NOT_INTEGER);
        }
        return t;
    }

    /** Looks up a field of a record; null if it has none by that name. */
    FieldAccess field(SType.Record r, String name) throws BtfException {
        if (r.btfId() <= 0) {
            for (SType.RecordField f : r.fields()) {
                if (f.name().equals(name)) {
                    return new FieldAccess(f.offset(), f.type(), f.layout(), 0, 0);
                }
            }
            return null;
        }
        MemberLocation m;
        try {
            m = btf().member(r.btfId(), name);
        } catch (BtfException e) {
            return null;
        }
        SType t = fromBtf(m.typeId());
        if (m.isBitfield()) {
            long byteOff = m.bitOffset() / 8;
            return new FieldAccess(byteOff, new SType.Int(8, false), FieldAccess.Layout.BITFIELD,
                    (int) (m.bitOffset() % 8), m.bitfieldSize());
        }
        return FieldAccess.plain(m.byteOffset(), t);
    }

    /**
     * A struct or union as a value (bpftrace 0.17 copies it: {@code $t = *args->rqtp}, {@code print(curtask->se)}), with
     * its members listed so user space can print it as {@code { .tv_sec = 0, .tv_nsec = 250000000 }}. The members of an
     * unnamed struct or union are listed in its place, at their offsets in the outer one ({@code .vlag}, {@code .vprot}
     * of {@code struct sched_entity}), as bpftrace's clang parser lists them; a union lists every member, each at offset 0;
     * pointers become signed 64-bit numbers (as 0.17 prints them); bit-fields keep their bit position (0.17 prints the
     * whole integer at the bit-field's byte, neighbouring bits and padding included: we print the bit-field's value).
     * Arrays of any of these (structs included) are kept. Where the value lives (stack, ring buffer, map) and whether it
     * fits is code generation's business. A member that cannot be printed (a function, an incomplete type) makes the
     * reason the result, as a String.
     */
    Object valueRecord(SType.Record r) throws BtfException {
        return valueRecord(r, 0);
    }

    private Object valueRecord(SType.Record r, int depth) throws BtfException {
        if (r.size() < 0 || (r.size() == 0 && r.btfId() <= 0)) {
            return r.name() + " has no size (an incomplete type)";
        }
        if (depth > 32) {
            return r.name() + " nests structs more than 32 deep";
        }
        if (r.btfId() <= 0) {
            for (SType.RecordField f : r.fields()) {
                if (!(f.type() instanceof SType.Int)) {
                    return "member " + f.name() + " of " + r.name() + " is not an integer";
                }
            }
            return r;
        }
        if (!(btf.type(btf.resolve(r.btfId())) instanceof BtfType.Struct s)) {
            return r.name() + " has no members in BTF (an incomplete type)";
        }
        List<SType.RecordField> fields = new ArrayList<>();
        String why = members(r.name(), s, 0, fields, depth);
        return why != null ? why : new SType.Record(r.name(), r.size(), r.btfId(), fields);
    }

    /** Adds the members of {@code s} at {@code baseBits} to {@code out}, flattening unnamed structs and unions; the reason when one cannot be a value. */
    private String members(String owner, BtfType.Struct s, long baseBits, List<SType.RecordField> out, int depth) throws BtfException {
        for (BtfType.Member m : s.members()) {
            long bits = baseBits + m.bitOffset();
            BtfType mt = btf.type(btf.resolve(m.type()));
            if (m.name().isEmpty()) {
                if (mt instanceof BtfType.Struct inner && m.bitfieldSize() == 0) {
                    String why = members(owner, inner, bits, out, depth + 1);
                    if (why != null) {
                        return why;
                    }
                }
                continue; // an unnamed bit-field is padding: C gives it no value
            }
            SType t = fromBtf(m.type());
            if (m.bitfieldSize() != 0) {
                if (!(t instanceof SType.Int)) {
                    return "member " + m.name() + " of " + owner + " is a bit-field of type " + t.display();
                }
                out.add(new SType.RecordField(m.name(), t, bits / 8, FieldAccess.Layout.BITFIELD, (int) (bits % 8), m.bitfieldSize()));
                continue;
            }
            if (bits % 8 != 0) {
                return "member " + m.name() + " of " + owner + " does not start on a byte";
            }
            Object v = memberValue(t, depth);
            if (v instanceof String why) {
                return "member " + m.name() + " of " + owner + ": " + why;
            }
            out.add(new SType.RecordField(m.name(), (SType) v, bits / 8, FieldAccess.Layout.PLAIN));
        }
        return null;
    }

    /** A member's type as a value: the type to decode it as, or why it cannot be one. */
    private Object memberValue(SType t, int depth) throws BtfException {
        return switch (t) {
            case SType.Int i -> i;
            case SType.Str st -> st;
            case SType.Ptr p -> SType.Int.I64; // bpftrace 0.17 prints a pointer member as a signed 64-bit number
            case SType.Record inner -> valueRecord(inner, depth + 1);
            case SType.Array arr -> {
                Object e = memberValue(arr.element(), depth + 1);
                yield e instanceof SType et ? new SType.Array(et, arr.length()) : e;
            }
            case SType.None n -> "it has no value type";
            case SType.Tuple tu -> "it is a " + t.display();
            case SType.Stack st -> "it is a " + t.display();
            case SType.Special sp -> "it is a " + t.display();
            case SType.Buffer b -> "it is a " + t.display();
            case SType.Agg ag -> "it is a " + t.display();
        };
    }

    /** Field names of a record, for "did you mean". */
    List<String> fieldNames(SType.Record r) {
        if (r.btfId() <= 0) {
            return r.fields().stream().map(SType.RecordField::name).toList();
        }
        try {
            if (btf().type(btf().resolve(r.btfId())) instanceof BtfType.Struct s) {
                return s.members().stream().map(BtfType.Member::name).filter(n -> !n.isEmpty()).toList();
            }
        } catch (IOException e) {
            // no names to suggest
        }
        return List.of();
    }
}
