package io.boxscope.probe.lang.sema;

/** Kinds of {@link SType.Special} with their sizes (what codegen stores). */
public enum SpecialKind {
    KSYM("ksym", 8), USYM("usym", 16), PROBE("probe", 8), USERNAME("username", 8), TIMESTAMP("timestamp", 16),
    INET("inet", 24), CONTAINER("container", 8), STACK_MODE("stack mode", 0),
    /** {@code strerror(errno)}: the number, described in user space. */
    STRERROR("strerror", 8),
    /** {@code cgroup_path(id [, filter])}: the id and the filter's action number (-1: none), resolved in user space. */
    CGROUP_PATH("cgroup_path", 16);

    private final String label;
    private final int size;

    SpecialKind(String label, int size) {
        this.label = label;
        this.size = size;
    }

    public String label() {
        return label;
    }

    public int size() {
        return size;
    }
}
