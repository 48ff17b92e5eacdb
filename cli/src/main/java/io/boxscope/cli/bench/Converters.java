package io.boxscope.cli.bench;

import java.util.Locale;
import io.boxscope.bench.Sizes;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for sysbench's value forms; a bad value is a usage error (exit 2). */
final class Converters {
    private Converters() {}

    /** Sizes with K/M/G/T suffixes ("1K", "2G"). */
    static final class Size implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Sizes.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** sysbench's booleans: on/off (also true/false, yes/no, 1/0). */
    static final class OnOff implements ITypeConverter<Boolean> {
        @Override
        public Boolean convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "on", "true", "yes", "1" -> true;
                case "off", "false", "no", "0" -> false;
                default -> throw new TypeConversionException("'" + value + "' is not on or off");
            };
        }
    }
}
