package io.boxscope.probe.lang.sema;

import java.io.IOException;
import java.util.List;
import io.boxscope.bpf.btf.BtfKind;
import io.boxscope.probe.lang.ast.Expr;

/**
 * Member access: {@code a.b}, {@code a->b} (records from BTF, the script, or a tracepoint's format;
 * {@code args.b} is accepted as {@code args->b}), tuple elements {@code $t.0}, and {@code a[i]} on arrays
 * and pointers. Records where each access reads ({@link FieldAccess}) for codegen.
 */
final class MemberTyper {
    private static final SType ERROR = ExprTyper.ERROR;
    private final ExprTyper t;

    MemberTyper(ExprTyper t) {
        this.t = t;
    }

    private SType error(io.boxscope.probe.lang.diag.Span span, String message, String... hints) {
        return t.error(span, message, hints);
    }

    SType field(Expr.Field f) {
        SType base = t.type(f.base());
        if (base == ERROR) {
            return ERROR;
        }
        if (base instanceof SType.Tuple tu) {
            return tupleElement(f, tu);
        }
        boolean isArgs = f.base() instanceof Expr.Builtin b && b.name().equals("args");
        SType.Record rec;
        if (base instanceof SType.Ptr p && p.pointee() instanceof SType.Record r) {
            if (!f.arrow() && !isArgs) {
                return error(f.span(), "Can not access field '" + f.field() + "' on type '" + base.display()
                        + "'. Try dereferencing it first, or using '->'");
            }
            rec = r;
        } else if (base instanceof SType.Record r) {
            if (f.arrow()) {
                return error(f.span(), "Can not access field '" + f.field() + "' with '->' on type '" + base.display()
                        + "': it is not a pointer; use '.'");
            }
            rec = r;
        } else {
            return error(f.span(), "Can not access field '" + f.field() + "' on expression of type '" + base.display() + "'",
                    base instanceof SType.Int ? "cast it to a struct pointer first: ((struct NAME *)expr)->" + f.field() : "");
        }
        if (isArgs && t.scope.args != null && t.scope.args.size() > 1) {
            return argsField(f, rec);
        }
        return recordField(f, rec);
    }

    private SType recordField(Expr.Field f, SType.Record rec) {
        try {
            if (rec.size() == 0 && rec.btfId() > 0 && t.factory.btf().kind(rec.btfId()) == BtfKind.FWD) {
                return error(f.span(), "'" + rec.name() + "' is only declared in the kernel's BTF, not defined: its fields are unknown");
            }
            FieldAccess fa = t.factory.field(rec, f.field());
            if (fa == null) {
                List<String> near = EditDistance.closest(f.field(), t.factory.fieldNames(rec), 3);
                return error(f.span(), "Struct/union of type '" + rec.name() + "' does not contain a field named '" + f.field() + "'",
                        near.isEmpty() ? "" : "did you mean " + ProbeResolver.quoteAll(near) + "?");
            }
            t.fields.put(f, fa);
            return fa.type();
        } catch (IOException e) {
            return error(f.span(), "cannot read the layout of " + rec.name() + ": " + e.getMessage());
        }
    }

    /** {@code args.X} on a probe that expanded to several tracepoints: X must mean the same in each. */
    private SType argsField(Expr.Field f, SType.Record first) {
        SType ty = recordField(f, first);
        if (ty == ERROR) {
            return ty;
        }
        java.util.Map<Attach, FieldAccess> each = new java.util.LinkedHashMap<>();
        each.put(t.scope.attaches.getFirst(), t.fields.get(f));
        for (int i = 1; i < t.scope.args.size(); i++) {
            SType.Record r = t.scope.args.get(i);
            try {
                FieldAccess other = t.factory.field(r, f.field());
                if (other == null || !other.type().equals(ty)) {
                    return error(f.span(), "args->" + f.field() + " is not the same in all " + t.scope.args.size()
                            + " matched probes: " + t.scope.attaches.getFirst().name() + " has it as " + ty.display() + ", "
                            + t.scope.attaches.get(i).name() + (other == null ? " has no such field" : " as " + other.type().display()),
                            "narrow the wildcard, or give each tracepoint its own probe");
                }
                each.put(t.scope.attaches.get(i), other);
            } catch (IOException e) {
                return error(f.span(), e.getMessage());
            }
        }
        t.argsFields.put(f, each);
        return ty;
    }

    private SType tupleElement(Expr.Field f, SType.Tuple tu) {
        int idx;
        try {
            idx = Integer.parseInt(f.field());
        } catch (NumberFormatException e) {
            return error(f.span(), "a tuple's elements are numbered: use ." + "0, .1, ...");
        }
        if (idx < 0 || idx >= tu.elements().size()) {
            return error(f.span(), "Invalid tuple index: " + idx + ". Found " + tu.elements().size() + " elements in tuple.");
        }
        long off = 0;
        for (int i = 0; i < idx; i++) {
            off += (tu.elements().get(i).size() + 7) / 8 * 8;
        }
        SType el = tu.elements().get(idx);
        t.fields.put(f, new FieldAccess(off, el, FieldAccess.Layout.TUPLE_ELEMENT, 0, 0));
        return el;
    }

    SType index(Expr.Index i) {
        SType base = t.type(i.base());
        SType idx = t.type(i.index());
        if (base == ERROR || idx == ERROR) {
            return ERROR;
        }
        if (!(idx instanceof SType.Int)) {
            return error(i.index().span(), "The array index operator [] needs an integer index, not " + idx.display());
        }
        return switch (base) {
            case SType.Array a -> {
                if (i.index() instanceof Expr.IntLit lit && a.length() > 0 && (lit.value() < 0 || lit.value() >= a.length())) {
                    yield error(i.index().span(), "the index " + lit.text() + " is out of bounds for array of size " + a.length());
                }
                yield a.element();
            }
            case SType.Ptr p -> p.pointee() instanceof SType.None ? SType.Int.U64 : p.pointee();
            default -> error(i.span(), "The array index operator [] can only be used on arrays and pointers, found "
                    + base.display() + ".");
        };
    }
}
