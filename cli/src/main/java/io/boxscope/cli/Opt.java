package io.boxscope.cli;

import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ScopeType;

/**
 * One option or positional parameter of a {@link CliCommand}, and the value picocli parsed into it.
 * Declared as a field ({@code final Opt<Boolean> quiet = flag("-q", "--quiet").help("...")}) and read
 * in {@code call()} with {@link #value()}. The setters return {@code this} so that a declaration
 * reads like the annotation it replaces.
 */
public final class Opt<T> implements IGetter, ISetter {
    // picocli's common builder superclass is not public: one of these two is set.
    private final OptionSpec.Builder option;
    private final PositionalParamSpec.Builder positional;
    private T value;

    private Opt(OptionSpec.Builder option, PositionalParamSpec.Builder positional, T initial) {
        this.option = option;
        this.positional = positional;
        this.value = initial;
        if (initial != null) {
            apply(o -> o.initialValue(initial).hasInitialValue(true), p -> p.initialValue(initial).hasInitialValue(true));
        }
    }

    static <T> Opt<T> option(Class<?> type, T initial, String... names) {
        return new Opt<>(OptionSpec.builder(names).type(type), null, initial);
    }

    static <T> Opt<T> positional(Class<?> type, T initial) {
        return new Opt<>(null, PositionalParamSpec.builder().type(type), initial);
    }

    private void apply(Consumer<OptionSpec.Builder> onOption, Consumer<PositionalParamSpec.Builder> onPositional) {
        if (option != null) {
            onOption.accept(option);
        } else {
            onPositional.accept(positional);
        }
    }

    /** The parsed value, or the initial value when the option was not given. */
    public T value() {
        return value;
    }

    /** The description lines, as picocli formats them ({@code ${DEFAULT-VALUE}}, {@code %n}). */
    public Opt<T> help(String... lines) {
        apply(o -> o.description(lines), p -> p.description(lines));
        return this;
    }

    public Opt<T> label(String paramLabel) {
        apply(o -> o.paramLabel(paramLabel), p -> p.paramLabel(paramLabel));
        return this;
    }

    public Opt<T> arity(String arity) {
        apply(o -> o.arity(arity), p -> p.arity(arity));
        return this;
    }

    /** For a positional: its index or range ("0", "1..*"). */
    public Opt<T> index(String index) {
        positional.index(index);
        return this;
    }

    /** The value an option with an optional parameter takes when it is given without one. */
    public Opt<T> fallback(String text) {
        option.fallbackValue(text);
        return this;
    }

    /** A default given as text, converted like a value on the command line. */
    public Opt<T> defaultValue(String text) {
        apply(o -> o.defaultValue(text), p -> p.defaultValue(text));
        return this;
    }

    public Opt<T> converter(ITypeConverter<?> converter) {
        apply(o -> o.converters(converter), p -> p.converters(converter));
        return this;
    }

    /** The element type of a List or array option. */
    public Opt<T> elements(Class<?> type) {
        apply(o -> o.auxiliaryTypes(type), p -> p.auxiliaryTypes(type));
        return this;
    }

    public Opt<T> split(String regex) {
        apply(o -> o.splitRegex(regex), p -> p.splitRegex(regex));
        return this;
    }

    public Opt<T> candidates(List<String> values) {
        apply(o -> o.completionCandidates(values), p -> p.completionCandidates(values));
        return this;
    }

    public Opt<T> hidden() {
        apply(o -> o.hidden(true), p -> p.hidden(true));
        return this;
    }

    public Opt<T> required() {
        apply(o -> o.required(true), p -> p.required(true));
        return this;
    }

    /** Accepted by every subcommand too (the global options). */
    public Opt<T> inherited() {
        option.scopeType(ScopeType.INHERIT);
        return this;
    }

    void addTo(CommandSpec spec) {
        if (option != null) {
            spec.addOption(option.getter(this).setter(this).build());
        } else {
            spec.addPositional(positional.getter(this).setter(this).build());
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R get() {
        return (R) value;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R set(R newValue) {
        R old = (R) value;
        value = (T) newValue;
        return old;
    }
}
