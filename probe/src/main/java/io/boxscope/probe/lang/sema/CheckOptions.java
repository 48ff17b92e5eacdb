package io.boxscope.probe.lang.sema;

import java.util.List;

/**
 * Options that change what a program may do: {@code unsafe} allows {@code system()}, {@code signal()} and
 * {@code override()} (bpftrace's {@code --unsafe}); {@code positionals} are {@code $1..$N}.
 */
public record CheckOptions(boolean unsafe, List<String> positionals) {
    public CheckOptions {
        positionals = List.copyOf(positionals);
    }

    public static CheckOptions defaults() {
        return new CheckOptions(false, List.of());
    }
}
