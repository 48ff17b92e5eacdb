package io.boxscope.bpf.btf;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;

/** Member paths, prototypes and C spellings over a {@link Btf}; reached through Btf's methods. */
final class BtfLayout {
    static final String BTF_TRACE_PREFIX = "btf_trace_";
    private static final int MAX_DEPTH = 32;

    private BtfLayout() {}

    static MemberLocation member(Btf btf, String path) throws BtfException {
        String p = path.strip();
        int dot = p.indexOf('.');
        if (dot <= 0 || dot == p.length() - 1) {
            throw new BtfException("not a member path: '" + path + "' (expected struct.member, e.g. task_struct.pid)");
        }
        String typeName = p.substring(0, dot).strip();
        OptionalInt id = OptionalInt.empty();
        if (typeName.startsWith("struct ")) {
            id = btf.findId(typeName.substring(7).strip(), BtfKind.STRUCT);
        } else if (typeName.startsWith("union ")) {
            id = btf.findId(typeName.substring(6).strip(), BtfKind.UNION);
        } else {
            for (BtfKind k : List.of(BtfKind.STRUCT, BtfKind.UNION, BtfKind.TYPEDEF)) {
                id = btf.findId(typeName, k);
                if (id.isPresent()) {
                    break;
                }
            }
        }
        if (id.isEmpty()) {
            throw new BtfException("no struct, union or typedef named '" + typeName + "' in this BTF");
        }
        return member(btf, id.getAsInt(), p.substring(dot + 1), path);
    }

    static MemberLocation member(Btf btf, int containerId, String memberPath, String fullPath) throws BtfException {
        int outer = btf.resolve(containerId);
        int current = outer;
        long bitOffset = 0;
        int bitfield = 0;
        int typeId = containerId;
        String walked = btf.typeName(containerId);
        for (String comp : memberPath.split("\\.", -1)) {
            String c = comp.strip();
            if (c.isEmpty()) {
                throw new BtfException("empty member name in '" + fullPath + "'");
            }
            if (!(btf.type(current) instanceof BtfType.Struct s)) {
                throw new BtfException("'" + walked + "' is " + btf.typeName(typeId) + ", not a struct or union, so it has no member '"
                        + c + "'" + (btf.kind(current) == BtfKind.PTR ? " (it is a pointer: follow it with a dereference)" : ""));
            }
            List<BtfType.Member> chain = find(btf, s, c, 0);
            if (chain == null) {
                throw new BtfException(btf.typeName(current) + " has no member '" + c + "' (in '" + fullPath + "')");
            }
            for (BtfType.Member m : chain) {
                bitOffset += m.bitOffset();
            }
            BtfType.Member last = chain.getLast();
            bitfield = last.bitfieldSize();
            typeId = last.type();
            current = btf.resolve(typeId);
            walked = walked + "." + c;
        }
        return new MemberLocation(fullPath, outer, typeId, bitOffset, bitfield);
    }

    /**
     * The chain of members from {@code s} to the member named {@code name}, descending into anonymous
     * struct/union members as C does; null if absent. A direct member wins over a nested one.
     */
    private static List<BtfType.Member> find(Btf btf, BtfType.Struct s, String name, int depth) throws BtfException {
        if (depth > MAX_DEPTH) {
            throw new BtfException("anonymous members nested deeper than " + MAX_DEPTH + " in " + btf.typeName(s.id()));
        }
        for (BtfType.Member m : s.members()) {
            if (m.name().equals(name)) {
                return new ArrayList<>(List.of(m));
            }
        }
        for (BtfType.Member m : s.members()) {
            if (m.name().isEmpty() && btf.type(btf.resolve(m.type())) instanceof BtfType.Struct inner) {
                List<BtfType.Member> sub = find(btf, inner, name, depth + 1);
                if (sub != null) {
                    sub.addFirst(m);
                    return sub;
                }
            }
        }
        return null;
    }

    static FuncSignature signature(Btf btf, int id) throws BtfException {
        int cur = id;
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            cur = btf.resolve(cur);
            BtfKind k = btf.kind(cur);
            if (k == BtfKind.FUNC || k == BtfKind.PTR) {
                cur = btf.refType(cur);
                continue;
            }
            if (!(btf.type(cur) instanceof BtfType.FuncProto fp)) {
                throw new BtfException("BTF type " + id + " (" + btf.typeName(id) + ") is not a function or function pointer");
            }
            List<FuncSignature.Arg> args = new ArrayList<>();
            for (BtfType.Param p : fp.params()) {
                if (p.type() == 0 && p.name().isEmpty()) {
                    continue; // the "..." marker
                }
                args.add(new FuncSignature.Arg(p.name(), p.type(), btf.typeName(p.type())));
            }
            return new FuncSignature(fp.id(), btf.typeName(fp.returnType()), args, fp.isVariadic());
        }
        throw new BtfException("BTF type " + id + ": pointer chain too deep");
    }

    static FuncSignature rawTracepointSignature(Btf btf, String tracepoint) throws BtfException {
        OptionalInt id = btf.rawTracepointTypeId(tracepoint);
        if (id.isEmpty()) {
            throw new BtfException("no raw tracepoint '" + tracepoint + "' in kernel BTF (no typedef " + BTF_TRACE_PREFIX
                    + tracepoint + "); list them with 'boxscope probe -l \"rawtracepoint:*\"'");
        }
        FuncSignature s = signature(btf, id.getAsInt());
        List<FuncSignature.Arg> args = s.params().isEmpty() ? s.params() : s.params().subList(1, s.params().size());
        return new FuncSignature(s.protoId(), s.returnType(), args, s.variadic());
    }

    static List<String> rawTracepoints(Btf btf) throws BtfException {
        TreeSet<String> names = new TreeSet<>();
        for (int id : btf.idsWithPrefix(BtfKind.TYPEDEF, BTF_TRACE_PREFIX)) {
            names.add(btf.name(id).substring(BTF_TRACE_PREFIX.length()));
        }
        return List.copyOf(names);
    }

    static String cName(Btf btf, int id, int depth) throws BtfException {
        if (depth > MAX_DEPTH) {
            return "?";
        }
        BtfKind k = btf.kind(id);
        return switch (k) {
            case VOID -> "void";
            case INT, FLOAT, TYPEDEF, FUNC, VAR, DATASEC, DECL_TAG -> btf.name(id);
            case STRUCT -> "struct " + named(btf.name(id));
            case UNION -> "union " + named(btf.name(id));
            case ENUM, ENUM64 -> "enum " + named(btf.name(id));
            case FWD -> (((BtfType.Fwd) btf.type(id)).union() ? "union " : "struct ") + btf.name(id);
            case PTR -> {
                int target = btf.refType(id);
                if (btf.type(btf.resolve(target)) instanceof BtfType.FuncProto fp && btf.kind(target) == BtfKind.FUNC_PROTO) {
                    yield cName(btf, fp.returnType(), depth + 1) + " (*)(" + params(btf, fp, depth) + ")";
                }
                String t = cName(btf, target, depth + 1);
                yield t.endsWith("*") ? t + "*" : t + " *";
            }
            case CONST, VOLATILE -> {
                int target = btf.refType(id);
                String q = k == BtfKind.CONST ? "const" : "volatile";
                yield btf.kind(target) == BtfKind.PTR ? cName(btf, target, depth + 1) + " " + q : q + " " + cName(btf, target, depth + 1);
            }
            case RESTRICT -> cName(btf, btf.refType(id), depth + 1) + " restrict";
            case TYPE_TAG -> cName(btf, btf.refType(id), depth + 1);
            case ARRAY -> {
                BtfType.Array a = (BtfType.Array) btf.type(id);
                yield cName(btf, a.elementType(), depth + 1) + "[" + Integer.toUnsignedString(a.length()) + "]";
            }
            case FUNC_PROTO -> {
                BtfType.FuncProto fp = (BtfType.FuncProto) btf.type(id);
                yield cName(btf, fp.returnType(), depth + 1) + " (" + params(btf, fp, depth) + ")";
            }
        };
    }

    private static String named(String n) {
        return n.isEmpty() ? "(anon)" : n;
    }

    private static String params(Btf btf, BtfType.FuncProto fp, int depth) throws BtfException {
        List<String> ps = new ArrayList<>();
        for (BtfType.Param p : fp.params()) {
            ps.add(p.type() == 0 && p.name().isEmpty() ? "..." : cName(btf, p.type(), depth + 1));
        }
        return String.join(", ", ps);
    }
}
