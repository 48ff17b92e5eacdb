package io.boxscope.probe.lang.sema;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.probe.lang.ast.AstPrinter;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.ast.Program;
import io.boxscope.probe.lang.diag.Diagnostic;
import io.boxscope.probe.lang.diag.SourceText;

/**
 * The typed program codegen starts from: the AST, a type for every expression node ({@link #type}), the
 * resolution of every field access ({@link #field}), the maps with their key and value types, the
 * probes with their concrete attach points and variables, and warnings.
 */
public final class CheckedProgram {
    private final SourceText source;
    private final Program program;
    private final IdentityHashMap<Expr, SType> types;
    private final IdentityHashMap<Expr.Field, FieldAccess> fields;
    private final IdentityHashMap<Expr.Field, Map<Attach, FieldAccess>> argsFields;
    private final IdentityHashMap<Expr, Long> constants;
    private final Map<String, MapInfo> maps;
    private final List<CheckedProbe> probes;
    private final List<Diagnostic> warnings;
    private final CheckOptions options;

    CheckedProgram(SourceText source, Program program, IdentityHashMap<Expr, SType> types,
                   IdentityHashMap<Expr.Field, FieldAccess> fields,
                   IdentityHashMap<Expr.Field, Map<Attach, FieldAccess>> argsFields, IdentityHashMap<Expr, Long> constants,
                   Map<String, MapInfo> maps, List<CheckedProbe> probes,
                   List<Diagnostic> warnings, CheckOptions options) {
        this.source = source;
        this.program = program;
        this.types = types;
        this.fields = fields;
        this.argsFields = argsFields;
        this.constants = constants;
        this.maps = maps;
        this.probes = List.copyOf(probes);
        this.warnings = List.copyOf(warnings);
        this.options = options;
    }

    public SourceText source() {
        return source;
    }

    public Program program() {
        return program;
    }

    /** The type of an expression node of this program (by identity). */
    public SType type(Expr e) {
        SType t = types.get(e);
        if (t == null) {
            throw new IllegalArgumentException("not an expression of this program: " + e);
        }
        return t;
    }

    /** Where a field access reads from, for {@code a.b} / {@code a->b} / {@code $t.0}. */
    public FieldAccess field(Expr.Field f) {
        return fields.get(f);
    }

    /**
     * Where {@code args->X} is for one attach point of a probe that expanded to several tracepoints
     * (the type is the same in all; offsets may differ, e.g. sys_enter_open and sys_enter_openat):
     * codegen emits one program per attach point, as bpftrace does.
     */
    public FieldAccess field(Expr.Field f, Attach attach) {
        Map<Attach, FieldAccess> each = argsFields.get(f);
        FieldAccess fa = each == null ? null : each.get(attach);
        return fa != null ? fa : fields.get(f);
    }

    /**
     * The value the checker computed for a constant expression: a bare identifier (a BTF enumerator or a
     * header constant such as AF_INET), {@code sizeof(...)}, {@code offsetof(...)}.
     */
    public long constant(Expr e) {
        Long v = constants.get(e);
        if (v == null) {
            throw new IllegalArgumentException("not a constant of this program: " + e);
        }
        return v;
    }

    /** Maps by name (without {@code @}), in order of first use. */
    public Map<String, MapInfo> maps() {
        return maps;
    }

    public List<CheckedProbe> probes() {
        return probes;
    }

    public List<Diagnostic> warnings() {
        return warnings;
    }

    public CheckOptions options() {
        return options;
    }

    /** The typed AST dump ({@code probe -d}): types after {@code ::}, expansions under attach points, then the maps. */
    public String dump() {
        Map<io.boxscope.probe.lang.ast.AttachPoint, List<Attach>> exp = new IdentityHashMap<>();
        for (CheckedProbe p : probes) {
            exp.putAll(p.expansions());
        }
        StringBuilder sb = new StringBuilder(AstPrinter.print(program, e -> {
            SType t = types.get(e);
            return t == null ? null : t.display();
        }, ap -> {
            List<Attach> a = exp.getOrDefault(ap, List.of());
            if (a.size() == 1 && a.getFirst().name().equals(ap.text())) {
                return List.of();
            }
            List<String> names = a.stream().limit(20).map(Attach::name).toList();
            if (a.size() > 20) {
                names = new java.util.ArrayList<>(names);
                names.add("... and " + (a.size() - 20) + " more (" + a.size() + " in all)");
            }
            return names;
        }));
        if (!maps.isEmpty()) {
            sb.append("Maps\n");
            for (MapInfo m : maps.values()) {
                sb.append(' ').append(m.display());
                if (m.hasKeys()) {
                    sb.append('[').append(m.key().display()).append(']');
                }
                sb.append(" :: ").append(m.value().display());
                if (!m.aggArgs().isEmpty()) {
                    sb.append(m.aggArgs());
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
