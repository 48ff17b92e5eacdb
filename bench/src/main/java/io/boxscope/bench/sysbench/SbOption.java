package io.boxscope.bench.sysbench;

/**
 * One sysbench 1.0.20 option as its {@code sb_arg_t} declares it: name, help text, default value
 * ({@code null}: none) and type. The type decides how a value is read and how help shows it
 * ({@code opt_formats} in sysbench's sb_options.c).
 */
public record SbOption(String name, String description, String defaultValue, Type type) {
    /** sysbench's {@code sb_arg_type_t}, with the format help prints after the name. */
    public enum Type {
        BOOL("[=on|off]"), INT("=N"), SIZE("=SIZE"), DOUBLE("=N"), STRING("=STRING"), LIST("=[LIST,...]"), FILE("=FILENAME");

        private final String format;

        Type(String format) {
            this.format = format;
        }

        public String format() {
            return format;
        }
    }

    static SbOption of(String name, String description, String defaultValue, Type type) {
        return new SbOption(name, description, defaultValue, type);
    }
}
