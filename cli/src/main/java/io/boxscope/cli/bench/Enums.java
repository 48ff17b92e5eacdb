package io.boxscope.cli.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import io.boxscope.cli.UsageException;

final class Enums {
    private Enums() {}

    /** A lower-case option value to its enum constant, or a usage error listing the choices. */
    static <E extends Enum<E>> E parse(Class<E> type, String option, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
                return e;
            }
        }
        throw new UsageException("invalid value for " + option + ": '" + value + "' (choose "
                + Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(", ")) + ")");
    }
}
