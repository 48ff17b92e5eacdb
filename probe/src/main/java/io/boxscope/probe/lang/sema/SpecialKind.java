package io.boxscope.probe.lang.sema;

/** Kinds of {@link SType.Special} with their sizes (what codegen stores). */
public enum SpecialKind {
    KSYM("ksym", 8), USYM("usym", 16), PROBE("probe", 8), USERNAME("username", 8), TIMESTAMP("timestamp", 16),
    INET("inet", 24), CONTAINER("container", 8), STACK_MODE("stack mode", 0);

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
