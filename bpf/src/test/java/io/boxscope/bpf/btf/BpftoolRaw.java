package io.boxscope.bpf.btf;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders a parsed type the way {@code bpftool btf dump file F format raw} prints it, so tests can compare
 * every line of the parse with the live tool's output.
 */
final class BpftoolRaw {
    private BpftoolRaw() {}

    static List<String> render(Btf btf, int id) throws BtfException {
        List<String> out = new ArrayList<>();
        BtfType t = btf.type(id);
        String head = "[" + id + "] " + t.kind().label() + " '" + anon(t.name()) + "'";
        switch (t) {
            case BtfType.Void v -> out.add("[0] VOID");
            case BtfType.Int i -> out.add(head + " size=" + i.size() + " bits_offset=" + i.bitOffset() + " nr_bits=" + i.bits()
                    + " encoding=" + encoding(i.encoding()));
            case BtfType.Ref r -> out.add(head + " type_id=" + r.type());
            case BtfType.Array a -> out.add(head + " type_id=" + a.elementType() + " index_type_id=" + a.indexType()
                    + " nr_elems=" + Integer.toUnsignedString(a.length()));
            case BtfType.Struct s -> {
                out.add(head + " size=" + s.size() + " vlen=" + s.members().size());
                for (BtfType.Member m : s.members()) {
                    out.add("\t'" + anon(m.name()) + "' type_id=" + m.type() + " bits_offset=" + m.bitOffset()
                            + (m.bitfieldSize() != 0 ? " bitfield_size=" + m.bitfieldSize() : ""));
                }
            }
            case BtfType.Enum e -> {
                out.add(head + " encoding=" + (e.signed() ? "SIGNED" : "UNSIGNED") + " size=" + e.size() + " vlen=" + e.values().size());
                for (BtfType.Enumerator v : e.values()) {
                    String val;
                    if (e.kind() == BtfKind.ENUM64) {
                        val = e.signed() ? v.value() + "LL" : Long.toUnsignedString(v.value()) + "ULL";
                    } else {
                        val = Long.toString(v.value());
                    }
                    out.add("\t'" + anon(v.name()) + "' val=" + val);
                }
            }
            case BtfType.Fwd f -> out.add(head + " fwd_kind=" + (f.union() ? "union" : "struct"));
            case BtfType.Func f -> out.add(head + " type_id=" + f.type() + " linkage=" + f.linkage().name().toLowerCase());
            case BtfType.FuncProto p -> {
                out.add(head + " ret_type_id=" + p.returnType() + " vlen=" + p.params().size());
                for (BtfType.Param a : p.params()) {
                    out.add("\t'" + anon(a.name()) + "' type_id=" + a.type());
                }
            }
            case BtfType.Var v -> out.add(head + " type_id=" + v.type() + ", linkage=" + v.linkage().name().toLowerCase());
            case BtfType.Datasec d -> {
                out.add(head + " size=" + d.size() + " vlen=" + d.vars().size());
                for (BtfType.SecInfo s : d.vars()) {
                    out.add("\ttype_id=" + s.type() + " offset=" + s.offset() + " size=" + s.size() + " (VAR '" + btf.name(s.type()) + "')");
                }
            }
            case BtfType.Float f -> out.add(head + " size=" + f.size());
            case BtfType.DeclTag d -> out.add(head + " type_id=" + d.type() + " component_idx=" + d.componentIndex());
        }
        return out;
    }

    private static String anon(String n) {
        return n.isEmpty() ? "(anon)" : n;
    }

    private static String encoding(int e) {
        if ((e & BtfType.Int.SIGNED) != 0) {
            return "SIGNED";
        }
        if ((e & BtfType.Int.CHAR) != 0) {
            return "CHAR";
        }
        if ((e & BtfType.Int.BOOL) != 0) {
            return "BOOL";
        }
        return "(none)";
    }
}
