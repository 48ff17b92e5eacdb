package io.boxscope.trace.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * Syntax tree → typed {@link Expr}: resolves each field in the catalogue, parses each value for
 * the field's type, and checks that the operator applies to the type. sysdig 0.29 finds operator
 * misuse ({@code proc.pid contains 1}) only when the first event is compared, and then stops with
 * an exception; boxscope reports it here, with sysdig's message, before anything runs.
 */
final class FilterChecker {
    private final String filter;
    private final EventTable events;
    private final ServiceNames services;
    private final FieldResolver resolver;

    FilterChecker(String filter, EventTable events, ServiceNames services) {
        this.filter = filter;
        this.events = events;
        this.services = services;
        this.resolver = new FieldResolver(events, filter);
    }

    Expr check(Ast node) {
        return switch (node) {
            case Ast.And a -> new Expr.And(a.terms().stream().map(this::check).toList());
            case Ast.Or o -> new Expr.Or(o.terms().stream().map(this::check).toList());
            case Ast.Not n -> new Expr.Not(check(n.term()));
            case Ast.Empty e -> new Expr.Const(true);
            case Ast.Compare c -> compare(c);
        };
    }

    private Expr compare(Ast.Compare c) {
        FieldRef field = resolver.resolve(c.field(), c.fieldPos());
        if (c.op() == CmpOp.IN && field.field() == Field.EVT_TYPE_IS) {
            // sinsp_filter_compiler::parse_check (libs e5c53d64): 'in' on a field that is not a PT_CHARBUF becomes
            // field=V1 or field=V2 ..., each a new check made by new_filter_check_from_another, which copies the field
            // id but not extract_type's event numbers: the copies test event type 0 (PPME_GENERIC_E) only, whatever
            // event was named. sysdig 0.29 -r: evt.type.is.poll in (1) keeps the generic system call entries (and
            // evt.type.is.X in (0) everything else), exactly as evt.type.is.0=1 does.
            field = new FieldRef(Field.EVT_TYPE_IS, "0", 0, FieldType.UINT32);
        }
        FieldType type = field.type();
        checkOperator(field, c);
        List<Value> values = new ArrayList<>();
        for (Ast.Operand v : c.values()) {
            if (v.bytes().isEmpty()) {
                // sysdig says "unknown event type " or " is not a valid number" with nothing before or after it;
                // the caret goes where the value is missing: right after the operator, or at the empty place of
                // a list. An empty text value is a value (proc.name= matches an empty name), so it passes.
                String needs = field.field() == Field.EVT_TYPE
                        ? "an event type (open, execve, ...; 'boxscope trace -L' lists them)" : needs(type);
                if (needs != null) {
                    int at = c.op().takesList() ? v.pos() : c.opPos() + c.op().spelling().length();
                    throw new FilterException(filter, at, "missing value: " + c.field() + " " + c.op().spelling()
                            + " needs " + needs);
                }
            }
            Value parsed = ValueParser.parse(type, v, services, filter);
            if (field.field() == Field.EVT_TYPE && !events.isEventType(((Value.Text) parsed).value())) {
                throw new FilterException(filter, v.pos(), "unknown event type " + v.text());
            }
            values.add(parsed);
        }
        return new Expr.Check(field, c.op(), values, source(c));
    }

    /** What an empty value of this type lacks, or null when an empty value is a value (text, bytes). */
    private static String needs(FieldType type) {
        return switch (type) {
            case CHARBUF, DYNAMIC, BYTEBUF, DOUBLE -> null;
            case INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64, RELTIME, ABSTIME -> "a number";
            case BOOL -> "true or false";
            case IPADDR -> "an IP address";
            case IPNET -> "an IP network (address/prefix length)";
            case PORT -> "a port number or a service name (http, ssh, ...)";
        };
    }

    /** What sysdig's flt_compare_* would throw at the first event, thrown now. */
    private void checkOperator(FieldRef field, Ast.Compare c) {
        CmpOp op = c.op();
        FieldType type = field.type();
        int at = c.opPos();
        boolean ordering = op == CmpOp.LT || op == CmpOp.LE || op == CmpOp.GT || op == CmpOp.GE;
        if (field.field() == Field.EVT_AROUND) {
            if (op != CmpOp.EQ) {
                throw new FilterException(filter, at, "evt.around supports only '=' comparison operator");
            }
            return;
        }
        if (field.field().hostName() && op != CmpOp.EQ && op != CmpOp.NE && op != CmpOp.IN) {
            // sinsp_filter_check_fd::compare_domain throws this at the first socket event the name is not known for
            throw new FilterException(filter, at, "filter error: fd.*ip.name filter only supports '=' and '!=' operators (and in)");
        }
        if (field.field().filterOnly()) {
            boolean ok = op == CmpOp.EQ || op == CmpOp.NE || op == CmpOp.IN || (type == FieldType.PORT && ordering);
            if (!ok) {
                throw new FilterException(filter, at, switch (type.kind()) {
                    case UNSIGNED -> "filter error: unsupported port comparison operator (" + field + " takes = != < <= > >= in)";
                    default -> "filter error: IP filter only supports '=' and '!=' operators (and in)";
                });
            }
            return;
        }
        if (type.kind() == FieldType.Kind.DOUBLE && op != CmpOp.EXISTS) {
            // string_to_rawval (libs e5c53d64 filter.cpp) has no case for PT_DOUBLE, 33
            throw new FilterException(filter, at, "filter error: wrong parameter type 33 (" + field + " is DOUBLE: sysdig 0.29 can only test it with exists)");
        }
        if (op == CmpOp.EXISTS || op == CmpOp.EQ || op == CmpOp.NE || op == CmpOp.IN) {
            return;
        }
        if (op == CmpOp.PMATCH) {
            if (type != FieldType.CHARBUF || (field.field() == Field.EVT_RAWARG && !"PT_CHARBUF".equals(events.paramType(field.argName())))) {
                throw new FilterException(filter, at, "pmatch requires all charbuf arguments (" + field + " is " + label(field) + ")");
            }
            return;
        }
        switch (type.kind()) {
            case STRING, DOUBLE -> { }
            case SIGNED, UNSIGNED, BOOL -> {
                if (!ordering) {
                    throw new FilterException(filter, at, "'" + op.spelling() + "' not supported for numeric filters (" + field + " is " + label(field) + ")");
                }
            }
            case ADDRESS, NETWORK -> throw new FilterException(filter, at, ordering
                    ? "comparison operator not supported for IP addresses (" + field + " takes =, !=, in and exists)"
                    : "'" + op.spelling() + "' not supported for numeric filters (" + field + " is " + label(field) + ")");
            case BUFFER -> {
                if (ordering || op == CmpOp.ICONTAINS || op == CmpOp.GLOB) {
                    throw new FilterException(filter, at, "'" + op.spelling() + "' not supported for buffer filters");
                }
            }
        }
    }

    private static String label(FieldRef f) {
        return f.type().label();
    }

    private String source(Ast.Compare c) {
        StringBuilder sb = new StringBuilder(c.field()).append(' ').append(c.op().spelling());
        if (c.op().takesList()) {
            sb.append(" (");
            for (int i = 0; i < c.values().size(); i++) {
                sb.append(i > 0 ? ", " : "").append(quote(c.values().get(i).text()));
            }
            sb.append(')');
        } else if (!c.values().isEmpty()) {
            sb.append(' ').append(quote(c.values().getFirst().text()));
        }
        return sb.toString();
    }

    /** A value as one would write it again: bare when it can be, else double-quoted. */
    static String quote(String v) {
        boolean bare = !v.isEmpty() && v.chars().noneMatch(ch -> ch <= ' ' || ch == '(' || ch == ')' || ch == ','
                || ch == '"' || ch == '\'' || ch == '\\' || ch == 0x7f);
        if (bare) {
            return v;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : v.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                sb.append('\\').append(ch);
            } else if (ch < ' ' || ch == 0x7f || ch == '\'') {
                sb.append(String.format("\\x%02x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.append('"').toString();
    }
}
