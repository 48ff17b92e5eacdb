package io.boxscope.trace.filter;

/**
 * A field as a filter names it, with its argument: {@code proc.name}, {@code evt.arg.fd}
 * ({@code argName} "fd"), {@code evt.arg[1]} / {@code proc.aname[2]} ({@code index}), or
 * {@code proc.aname} without index (any ancestor: {@code index} is null).
 *
 * @param field    the catalogue field
 * @param argName  the event argument's name for evt.arg.NAME and evt.rawarg.NAME, the glob of container.mount[GLOB],
 *                 else null
 * @param index    the N of evt.arg[N], proc.aname[N], proc.apid[N], container.mount[N], else null
 * @param type     the type values compare as: the field's, or for evt.rawarg.NAME the argument's
 */
public record FieldRef(Field field, String argName, Integer index, FieldType type) {
    public static FieldRef of(Field field) {
        return new FieldRef(field, null, null, field.type());
    }

    /**
     * Whether sysdig 0.29 knows a field of this name (its {@code -l} list, or a field taking an argument such as
     * {@code thread.cgroup.cpu}), whether or not boxscope supports it: an output format must not read such a name
     * as a shorter field followed by text.
     */
    public static boolean knownToSysdig(String name) {
        return FieldResolver.knownToSysdig(name);
    }

    /**
     * A field named as a filter names it ({@code proc.name}, {@code evt.rawarg.res}, {@code proc.aname[2]}):
     * what output formats ({@code -p %fd.name}) and chisels' key and value fields use.
     *
     * @throws FilterException when the name is not a field boxscope supports (the message says so)
     */
    public static FieldRef parse(String name) {
        return new FieldResolver(EventTable.sysdig(), name).resolve(name, 0);
    }

    /** For proc.aname/proc.apid without [N]: the filter matches when any ancestor matches. */
    public boolean anyAncestor() {
        return field.arg() == Field.Arg.ANCESTOR && index == null;
    }

    /** The same field at generation {@code n} (for walking ancestors). */
    public FieldRef ancestor(int n) {
        return new FieldRef(field, null, n, type);
    }

    /** As written in a filter. */
    @Override
    public String toString() {
        if (field.arg() == Field.Arg.MOUNT) {
            return field.fieldName() + "[" + (argName != null ? argName : index) + "]";
        }
        if (argName != null) {
            return field.fieldName() + "." + argName;
        }
        if (index != null) {
            return field.fieldName() + "[" + index + "]";
        }
        return field.fieldName();
    }
}
