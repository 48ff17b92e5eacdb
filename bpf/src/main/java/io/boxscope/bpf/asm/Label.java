package io.boxscope.bpf.asm;

/** A jump target in an {@link Asm} program; bound once with {@link Asm#bind}, referenced any number of times. */
public final class Label {
    final String name;
    int position = -1;

    Label(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name + (position < 0 ? " (unbound)" : "@" + position);
    }
}
