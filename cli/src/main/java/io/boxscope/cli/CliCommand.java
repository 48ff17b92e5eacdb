package io.boxscope.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.proc.json.Json;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A boxscope command: its name, description, examples, options (typed {@link Opt} fields) and
 * subcommands, declared in code, and its work in {@link #call()}.
 *
 * <p>Why in code and not with picocli's annotations: picocli reads annotations by reflection, and
 * the JDK turns each annotation type into a dynamic proxy class, which the AOT cache (JEP 483) cannot
 * store. At every start that cost about 65 ms, more than the whole JVM start-up; picocli's
 * programmatic model (picocli.info, "Programmatic API") is built in a few milliseconds. See
 * docs/benchmarks.md, "CLI start-up".
 *
 * <p>A subclass passes its name and description to the constructor, declares its options as
 * {@code final} fields with {@link #option}, {@link #flag} and {@link #positional} (in the order
 * --help lists them), adds {@link #examples} and, for a group, {@link #subcommands}. Every command
 * gets -h/--help and -V/--version; the root's global options are inherited by all.
 */
public abstract class CliCommand implements Callable<Integer> {
    private final String name;
    private final String[] description;
    private final List<Opt<?>> args = new ArrayList<>();
    private final List<Supplier<? extends CliCommand>> subcommands = new ArrayList<>();
    private String[] aliases = {};
    private String[] examples = {};
    private boolean autoWidth;
    private Set<String> globals = Set.of("--json", "--proc-root", "--sys-root");
    private CommandSpec spec;

    protected CliCommand(String name, String... description) {
        this.name = name;
        this.description = description;
    }

    public final String name() {
        return name;
    }

    public final List<String> aliases() {
        return List.of(aliases);
    }

    /** Other names for this command ({@code containers} is also {@code ps}). */
    protected final void aliases(String... names) {
        this.aliases = names;
    }

    /** Lines of the EXAMPLES section that ends every --help. */
    protected final void examples(String... lines) {
        this.examples = lines;
    }

    /**
     * A subcommand's constructor with the name and aliases it will have, so that a command line naming one
     * subcommand constructs that one alone ({@link #commandLineFor}). Constructing a command runs its class's
     * static initializer and declares its options (interpreted code in a fresh JVM): without the names, a run of
     * {@code syscount}, last of the tools, constructed the 25 commands listed before it, and ran 32 more cli class
     * initializers than {@code execsnoop} (-Xlog:class+init; docs/benchmarks.md, "Start-up: only the named command
     * constructed"). {@code CommandsTest} checks each name against the command its constructor makes.
     */
    public record Named(String name, List<String> aliases, Supplier<? extends CliCommand> make) implements Supplier<CliCommand> {
        public Named {
            aliases = List.copyOf(aliases);
        }

        /** Whether a command line word names this subcommand (its name or one of its aliases). */
        public boolean names(String word) {
            return name.equals(word) || aliases.contains(word);
        }

        @Override
        public CliCommand get() {
            return make.get();
        }
    }

    /** {@code make} known to construct a command called {@code name} (or one of {@code aliases}). */
    public static Named named(String name, Supplier<? extends CliCommand> make, String... aliases) {
        return new Named(name, List.of(aliases), make);
    }

    /** Subcommands, in the order --help lists them; each is built only when this command is. */
    @SafeVarargs
    protected final void subcommands(Supplier<? extends CliCommand>... makers) {
        subcommands(List.of(makers));
    }

    protected final void subcommands(List<? extends Supplier<? extends CliCommand>> makers) {
        subcommands.addAll(makers);
    }

    /**
     * The global options (see {@link GlobalOptions}) this command acts on; by default --json,
     * --proc-root and --sys-root. Any other global option given to it is a usage error
     * ({@link #checkGlobals}): a --pid or --container that is silently ignored measures or shows
     * something other than what the user asked for.
     */
    protected final void globals(String... names) {
        this.globals = Set.of(names);
    }

    /**
     * Refuses a global option the command being run does not act on (exit 2). Help and version
     * requests are answered whatever else was given.
     */
    static void checkGlobals(ParseResult parsed) {
        List<ParseResult> chain = new ArrayList<>();
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                return;
            }
            chain.add(p);
        }
        ParseResult last = chain.getLast();
        if (!(last.commandSpec().userObject() instanceof CliCommand command)) {
            return;
        }
        for (ParseResult p : chain) {
            for (OptionSpec o : p.matchedOptions()) {
                String name = o.longestName();
                if (GlobalOptions.NAMES.contains(name) && !command.globals.contains(name)) {
                    throw new CommandLine.ParameterException(last.commandSpec().commandLine(), "'"
                            + last.commandSpec().qualifiedName() + "' does not take " + name + " (it would be ignored)"
                            + (command.globals.isEmpty() ? "" : "; its global options: "
                                    + String.join(", ", GlobalOptions.NAMES.stream().filter(command.globals::contains).toList())));
                }
            }
        }
    }

    /**
     * Hides from --help and completion, in every command of {@code root}'s tree, the global options
     * the command refuses ({@link #globals}): picocli copies the root's inherited options into each
     * subcommand, and help should not offer what {@link #checkGlobals} then refuses. They are still
     * parsed, so that the refusal names them.
     */
    static CommandLine hideRefusedGlobals(CommandLine root) {
        for (CommandLine sub : root.getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (spec.userObject() instanceof CliCommand command) {
                boolean pidAlias = pidAlias(spec) != null;
                for (OptionSpec o : List.copyOf(spec.options())) {
                    if (o.inherited() && !o.hidden() && GlobalOptions.NAMES.contains(o.longestName())
                            && (!command.globals.contains(o.longestName()) || pidAlias && o.longestName().equals("--pid"))) {
                        spec.remove(o);
                        // LOCAL: an INHERIT copy would be added to the subcommands again.
                        spec.addOption(o.toBuilder().hidden(true).scopeType(picocli.CommandLine.ScopeType.LOCAL).build());
                    }
                }
            }
            hideRefusedGlobals(sub);
        }
        return root;
    }

    /**
     * The command's own {@code -p PID} when the global {@code --pid} means the same for it (libbpf-tools' tools, whose
     * help lists {@code -p, --pid=PID}, libbpf-tools/opensnoop.c's argp options): --help shows the two as one line,
     * {@code -p, --pid=PID}, and hides the global's own line. Null when the command has no such -p.
     */
    static OptionSpec pidAlias(CommandSpec spec) {
        if (!(spec.userObject() instanceof CliCommand command) || !command.globals.contains("--pid")) {
            return null;
        }
        for (OptionSpec o : spec.options()) {
            if (!o.inherited() && List.of(o.names()).equals(List.of("-p")) && "PID".equals(o.paramLabel())) {
                return o;
            }
        }
        return null;
    }

    /**
     * picocli's option list, with {@link #pidAlias} rendered under both its names, and an option with a short name
     * only and a value rendered as argp writes it, {@code -d DISK} (libbpf-tools' {@code biolatency --help}; argp
     * takes {@code -d=sda} as the disk "=sda"), not picocli's {@code -d=DISK}. Parsing is unchanged: {@code -d sda},
     * {@code -dsda} and {@code -d=sda} all give sda.
     */
    private static String optionList(picocli.CommandLine.Help help) {
        OptionSpec alias = pidAlias(help.commandSpec());
        picocli.CommandLine.Help.Layout def = help.createDefaultLayout();
        picocli.CommandLine.Help.IOptionRenderer base = def.optionRenderer();
        // Rendered from a copy named -p and --pid: never parsed, so it cannot clash with the global --pid.
        OptionSpec shown = alias == null ? null : OptionSpec.builder("-p", "--pid").paramLabel(alias.paramLabel())
                .type(alias.type()).arity(alias.arity().toString()).description(alias.description()).build();
        picocli.CommandLine.Help.Layout layout = new picocli.CommandLine.Help.Layout(def.colorScheme(), def.textTable(),
                (option, label, scheme) -> {
                    picocli.CommandLine.Help.Ansi.Text[][] rows = base.render(option == alias ? shown : option, label, scheme);
                    return shortOnly(option) ? spaced(rows, scheme) : rows;
                }, def.parameterRenderer());
        return help.optionList(layout, null, help.parameterLabelRenderer());
    }

    /** An option named by one short name only ({@code -d}) that takes a value. */
    private static boolean shortOnly(OptionSpec option) {
        return option.names().length == 1 && option.names()[0].length() == 2 && option.arity().max() > 0;
    }

    /** The rows of a short-only option with {@code =LABEL} written {@code  LABEL}, as argp's help writes it. */
    private static picocli.CommandLine.Help.Ansi.Text[][] spaced(picocli.CommandLine.Help.Ansi.Text[][] rows,
            picocli.CommandLine.Help.ColorScheme scheme) {
        for (picocli.CommandLine.Help.Ansi.Text[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                String plain = row[i] == null ? "" : row[i].plainString();
                if (plain.startsWith("=")) {
                    row[i] = scheme.parameterText(" " + plain.substring(1));
                    break;
                }
            }
        }
        return rows;
    }

    /**
     * The description as picocli should wrap it: the source splits a paragraph across lines of its own width
     * (~95 columns), and picocli wraps each line on its own at 80, which left a word or two alone on a line
     * ("capture every system call live (raw" / "tracepoints" / "sys_enter/sys_exit) ..."). Consecutive lines are
     * joined into one paragraph; an empty line or one that starts with a space (a list, an example) starts a
     * new entry and keeps its layout.
     */
    static String[] paragraphs(String[] lines) {
        List<String> out = new ArrayList<>();
        StringBuilder para = null;
        for (String l : lines) {
            if (l.isEmpty() || Character.isWhitespace(l.charAt(0))) {
                if (para != null) {
                    out.add(para.toString());
                    para = null;
                }
                out.add(l);
            } else if (para == null) {
                para = new StringBuilder(l);
            } else {
                para.append(' ').append(l);
            }
        }
        if (para != null) {
            out.add(para.toString());
        }
        return out.toArray(String[]::new);
    }

    /** The width EXAMPLES are wrapped to: picocli's default usage width, the narrowest any help is shown at. */
    static final int EXAMPLE_WIDTH = 80;

    /** The narrowest description column worth keeping beside a command; a narrower one goes under the command. */
    private static final int MIN_DESCRIPTION = 24;

    /**
     * EXAMPLES lines laid out for {@code width} columns, printed as they are. Each is "  command   what it does":
     * picocli wrapped a footer line longer than the width at column 0, which put "what Boxscope sees" under the
     * commands, cut a file name ("base." / "json") and broke commands in two. A long description wraps within its
     * column; when that column leaves fewer than {@value #MIN_DESCRIPTION} characters, or the command alone is too
     * long, the description goes on the next lines, indented under the command. A command is never broken: it is
     * there to be copied whole (a terminal folds a line wider than itself without adding a newline).
     */
    static String[] exampleLines(String[] lines, int width) {
        List<String> out = new ArrayList<>();
        java.util.regex.Pattern twoColumns = java.util.regex.Pattern.compile("^( *)(\\S.*?\\S)( {2,})(\\S.*)$");
        for (String line : lines) {
            if (line.length() <= width) {
                out.add(line);
                continue;
            }
            java.util.regex.Matcher m = twoColumns.matcher(line);
            if (!m.matches()) {
                out.add(line); // a command alone: whole
                continue;
            }
            int column = m.end(3);
            if (width - column >= MIN_DESCRIPTION) {
                wrapWords(m.group(4), line.substring(0, column), " ".repeat(column), width, out);
            } else {
                out.add(m.group(1) + m.group(2));
                String under = m.group(1) + "      ";
                wrapWords(m.group(4), under, under, width, out);
            }
        }
        return out.toArray(String[]::new);
    }

    /** {@code text}'s words in lines of at most {@code width}, the first after {@code first}, the others after {@code next}. */
    private static void wrapWords(String text, String first, String next, int width, List<String> out) {
        StringBuilder line = new StringBuilder(first);
        boolean empty = true;
        for (String word : text.split(" +")) {
            if (!empty && line.length() + 1 + word.length() > width) {
                out.add(line.toString());
                line = new StringBuilder(next);
                empty = true;
            }
            line.append(empty ? "" : " ").append(word);
            empty = false;
        }
        out.add(line.toString());
    }

    /** Wrap help text to the terminal's width rather than 80 columns. */
    protected final void autoWidth() {
        this.autoWidth = true;
    }

    /** An option with a value of {@code type}; {@code initial} is its value when not given. */
    public final <T> Opt<T> option(Class<T> type, T initial, String... names) {
        return add(Opt.option(type, initial, names));
    }

    /** An option without a value: true when given. */
    public final Opt<Boolean> flag(String... names) {
        return add(Opt.option(boolean.class, false, names));
    }

    /** A positional parameter; give {@link Opt#index} when there are several. */
    public final <T> Opt<T> positional(Class<T> type, T initial) {
        return add(Opt.positional(type, initial));
    }

    /** Positional parameters collected in a list (empty when none are given); give the arity. */
    public final <E> Opt<List<E>> positionals(Class<E> element) {
        return add(Opt.<List<E>>positional(List.class, new ArrayList<>()).elements(element));
    }

    /** An option that may be repeated, its values collected in a list (empty when not given). */
    public final <E> Opt<List<E>> options(Class<E> element, String... names) {
        return add(Opt.<List<E>>option(List.class, new ArrayList<>(), names).elements(element));
    }

    private <T> Opt<T> add(Opt<T> a) {
        if (spec != null) {
            throw new IllegalStateException("options must be declared before the command is built");
        }
        args.add(a);
        return a;
    }

    /** This command's picocli model, built on first use. */
    public final CommandSpec spec() {
        if (spec == null) {
            CommandSpec s = CommandSpec.wrapWithoutInspection(this);
            s.name(name).aliases(aliases).versionProvider(new VersionProvider());
            s.usageMessage().description(paragraphs(description)).sortOptions(false).autoWidth(autoWidth)
                    .footerHeading("%nEXAMPLES%n").footer(examples);
            // Laid out here, printed as they are: picocli would wrap a long line at column 0 (exampleLines).
            String[] exampleText = exampleLines(examples, EXAMPLE_WIDTH);
            java.util.Map<String, picocli.CommandLine.IHelpSectionRenderer> sections =
                    new java.util.LinkedHashMap<>(s.usageMessage().sectionMap());
            sections.put(picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, help -> exampleText.length == 0 ? ""
                    : String.join(System.lineSeparator(), exampleText) + System.lineSeparator());
            sections.put(picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, CliCommand::optionList);
            s.usageMessage().sectionMap(sections);
            // The parent's command list shows a command's header, else the first element of its description: a
            // description wrapped by hand in the source made that list end mid-sentence ("funccount  Count function
            // calls and tracepoint events, in the kernel (BCC funccount, on"). The header is the first sentence
            // instead, and only the list shows it: the command's own --help leaves the header section out.
            s.usageMessage().header(summary(description));
            List<String> keys = new ArrayList<>(s.usageMessage().sectionKeys());
            keys.remove(picocli.CommandLine.Model.UsageMessageSpec.SECTION_KEY_HEADER);
            s.usageMessage().sectionKeys(keys);
            for (Opt<?> a : args) {
                a.addTo(s);
            }
            s.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help message and exit.").build());
            s.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                    .description("Print version information and exit.").build());
            spec = s;
        }
        return spec;
    }

    /**
     * The first sentence of a description whose lines are one text: up to the first period outside parentheses
     * that ends the text or is followed by a space; the whole text when there is none.
     */
    static String summary(String... description) {
        String text = String.join(" ", description).strip().replaceAll("\\s+", " ");
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (c == '.' && depth == 0 && (i + 1 == text.length() || text.charAt(i + 1) == ' ')) {
                return text.substring(0, i + 1);
            }
        }
        return text;
    }

    /** A command line for this command and all its subcommands (their models are built now). */
    public final CommandLine commandLine() {
        CommandLine cl = new CommandLine(spec());
        for (Supplier<? extends CliCommand> make : subcommands) {
            CliCommand sub = make.get();
            cl.addSubcommand(sub.name(), sub.commandLine());
        }
        return cl;
    }

    /**
     * The command line {@code words} (what follows this command's name) need: when they name a
     * subcommand, only that one is built, at every depth; with no subcommand named, only this
     * command, unless help is asked for (it lists the subcommands); with an unknown word, all of them
     * (for picocli's "did you mean"). A {@link Named} subcommand not named is not even constructed; building a
     * model costs more than constructing, and
     * start-up is what users feel most in a CLI run dozens of times a day.
     */
    final CommandLine commandLineFor(List<String> words) {
        int at = firstCommandWord(words);
        if (at < 0) {
            return words.contains("--help") || words.contains("-h") ? commandLine() : new CommandLine(spec());
        }
        String next = words.get(at);
        for (Supplier<? extends CliCommand> make : subcommands) {
            if (make instanceof Named n && !n.names(next)) {
                continue; // not constructed: its name is known without it
            }
            CliCommand sub = make.get();
            if (sub.name().equals(next) || sub.aliases().contains(next)) {
                sub.named(words.subList(at + 1, words.size()));
                CommandLine cl = new CommandLine(spec());
                cl.addSubcommand(sub.name(), sub.commandLineFor(words.subList(at + 1, words.size())));
                return cl;
            }
        }
        return commandLine();
    }

    /**
     * Called when the command line names this command, before its picocli model is built and the line parsed;
     * {@code words} are the words after its name, not parsed yet (only a hint: a usage error comes later). A command
     * may start work here that overlaps its set-up: the tracing commands link the {@code bpf(2)} downcall on a
     * background thread (the FFM linker's run-time work, tens of milliseconds of a cold JVM's CPU), which would
     * otherwise start only once the command runs and can end up on the way to the first map's creation
     * (docs/benchmarks.md, "Start-up goals: where a warm opensnoop's time goes"). Does nothing by default.
     */
    protected void named(List<String> words) {}

    /** Global options that take a value: the word after them is not a command name. */
    private static final Set<String> VALUE_OPTIONS = Set.of("--proc-root", "--sys-root", "--container", "--pid");

    /** The index of the first word that is neither an option nor a global option's value, or -1. */
    private static int firstCommandWord(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                return -1;
            }
            if (!a.startsWith("-")) {
                return i;
            }
            if (VALUE_OPTIONS.contains(a)) {
                i++;
            }
        }
        return -1;
    }

    /** The global options (--json, --proc-root, ...), wherever on the command line they were given. */
    protected final GlobalOptions global() {
        return BoxscopeCommand.global(spec());
    }

    protected final PrintWriter out() {
        return spec().commandLine().getOut();
    }

    protected final PrintWriter err() {
        return spec().commandLine().getErr();
    }

    /**
     * Writes bytes as they are to standard output, after whatever {@link #out()} holds: for output
     * that is already encoded (a megabyte of pmap rows), so it is not decoded and encoded again.
     */
    protected final void printBytes(byte[] bytes) {
        terminal().bytes(bytes);
    }

    /** Standard output and error for a {@link View}'s text. */
    protected final Terminal terminal() {
        return new Terminal(out(), err(), ((BoxscopeCommand) spec().root().userObject()).stdout);
    }

    /**
     * Shows a command's one result: its JSON view, indented, with --json; else its text view.
     * Returns {@link ExitCode#OK}, for {@code return show(result, VIEW);}.
     */
    public final <R> Integer show(R result, View<R> view) {
        if (global().json()) {
            PrintWriter out = out();
            out.print(Json.pretty(view.json(result)));
            out.print('\n');
            out.flush();
        } else {
            view.text(result, terminal());
            out().flush();
        }
        return ExitCode.OK;
    }

    /**
     * Shows one record of a stream (a syscount interval, later a trace event): with --json one
     * JSON object on one line (NDJSON, so {@code jq -c}, {@code while read} and log shippers take
     * each as it comes), else its text view. Flushed at once: a stream is read while it runs.
     */
    public final <R> void emit(R record, View<R> view) {
        emitBuffered(record, view);
        out().flush();
        err().flush();
    }

    /**
     * {@link #emit} without the flush, for a stream of many records a second (the per-event tools): it
     * flushes once a batch instead ({@link #flushStream}), as C's stdio writes a file or a pipe once a
     * buffer (setvbuf(3)); what it writes is {@link #emit}'s, byte for byte.
     */
    public final <R> void emitBuffered(R record, View<R> view) {
        if (global().json()) {
            PrintWriter out = out();
            out.print(Json.write(view.json(record)));
            out.print('\n');
        } else {
            view.text(record, terminal());
        }
    }

    /** Writes out what {@link #emitBuffered} left in standard output's and standard error's buffers. */
    public final void flushStream() {
        out().flush();
        err().flush();
    }

    /**
     * Whether standard output alone is a terminal, as isatty(1) answers (what sysdig's chisels ask through
     * {@code sysdig.is_tty()}, and what decides stdio's line buffering): {@link System#console()} is null in JDK 25
     * unless standard input is a terminal too (checked: {@code script -qec "java T.java < /dev/null"} gives no
     * console with fd 1 on /dev/pts/0), so this asks the kernel about fd 1 ({@link #isTty}). Every "is the output a terminal" question of the commands is this one.
     */
    public static boolean stdoutIsTty() {
        return isTty(1);
    }

    /**
     * Whether this process's file descriptor {@code fd} is a terminal (isatty(fd)): 0 standard input, 2 standard error.
     * Asked of the kernel, as isatty(3) does: glibc's isatty is a TCGETS ioctl, and TIOCGWINSZ, which
     * {@link Sys#windowSize} makes, fails with ENOTTY exactly when TCGETS does (both are answered
     * by every tty driver, tty_ioctl/tty_mode_ioctl in drivers/tty/tty_io.c), so every terminal is one whatever its
     * device name: a pty, a virtual terminal, the console, /dev/hvc0, /dev/ttyAMA0, a pty master, a renamed node.
     * On an architecture Boxscope does not know (no ioctl number), where the link /proc/self/fd/N points
     * ({@link #isTerminalDevice}).
     */
    public static boolean isTty(int fd) {
        try {
            Sys.arch();
        } catch (UnsupportedOperationException unknownArchitecture) {
            return isTerminalDevice(java.nio.file.Path.of("/proc/self/fd/" + fd));
        }
        return Sys.windowSize(fd).isPresent();
    }

    /**
     * Whether the fd link {@code fd} (/proc/PID/fd/N) names a terminal device by its name (a pseudo-terminal, a
     * virtual terminal, the console); false when it cannot be read. Another process's fd, or this one's where the
     * ioctl number is not known: {@link #isTty} asks the kernel.
     */
    static boolean isTerminalDevice(java.nio.file.Path fd) {
        String target;
        try {
            target = java.nio.file.Files.readSymbolicLink(fd).toString();
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false; // no such fd (closed) or no procfs: not a terminal, as isatty on a bad fd
        }
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }

    /**
     * Shows a stream's closing summary whose JSON form is several records (tcpconnect -c: one
     * object per flow): with --json each element of the JSON view's list on its own line (NDJSON,
     * like the records the stream printed before it), else its text view.
     */
    public final <R> void emitEach(R summary, View<R> view) {
        if (global().json()) {
            PrintWriter out = out();
            if (!(view.json(summary) instanceof List<?> records)) {
                throw new IllegalArgumentException("emitEach needs a view whose JSON form is a list");
            }
            for (Object r : records) {
                out.print(Json.write(r));
                out.print('\n');
            }
            out.flush();
        } else {
            view.text(summary, terminal());
            out().flush();
            err().flush();
        }
    }

    /** For a command that only groups subcommands: being run alone is a usage error. */
    protected final Integer requireSubcommand(String message) {
        throw new CommandLine.ParameterException(spec().commandLine(), message);
    }
}
