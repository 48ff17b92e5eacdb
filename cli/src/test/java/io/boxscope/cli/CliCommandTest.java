package io.boxscope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The programmatic command model: what each kind of declared option parses to. */
class CliCommandTest {
    /** A command with one option of each kind, recording what its call() saw. */
    static final class Sample extends CliCommand {
        static final AtomicReference<Sample> LAST = new AtomicReference<>();
        final Opt<Boolean> quiet = flag("-q", "--quiet").help("Quiet.");
        final Opt<Integer> count = option(int.class, 7, "--count").label("N").help("Count (default: ${DEFAULT-VALUE}).");
        final Opt<String> name = option(String.class, null, "--name").label("NAME");
        final Opt<Integer> fromText = option(int.class, null, "--from-text").defaultValue("42");
        final Opt<boolean[]> more = option(boolean[].class, new boolean[0], "-X").arity("0");
        final Opt<List<String>> words = positionals(String.class).arity("0..*").label("WORD");

        Sample() {
            super("sample", "A sample command.");
            examples("  boxscope sample -q a b");
        }

        @Override
        public Integer call() {
            LAST.set(this);
            return 0;
        }
    }

    private static Sample parse(String... args) {
        CommandLine root = new BoxscopeCommand().commandLine();
        root.addSubcommand("sample", new Sample().commandLine());
        assertEquals(0, root.execute(args));
        return Sample.LAST.get();
    }

    /** Constructions of {@link Group}'s commands, by name. */
    static final List<String> MADE = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The words {@link CliCommand#named} gave {@link Group}'s commands, one list per call. */
    static final List<List<String>> NAMED = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A group of three named subcommands (the second with an alias) that record their construction and named(). */
    static final class Group extends CliCommand {
        Group() {
            super("group", "A group.");
            subcommands(named("first", () -> new Leaf("first")), named("second", () -> new Leaf("second", "2nd"), "2nd"),
                    named("third", () -> new Leaf("third")));
        }

        static final class Leaf extends CliCommand {
            final Opt<Boolean> quiet = flag("-q").help("Quiet.");

            Leaf(String name, String... aliases) {
                super(name, "A leaf.");
                aliases(aliases);
                MADE.add(name);
            }

            @Override
            protected void named(List<String> words) {
                NAMED.add(List.copyOf(words));
            }

            @Override
            public Integer call() {
                return 0;
            }
        }

        @Override
        public Integer call() {
            return 0;
        }
    }

    /**
     * commandLineFor tells the command a command line names, with the words after its name, before anything is parsed
     * (the tracing commands start linking bpf(2) there); a command line that does not name it does not call it.
     */
    @Test
    void theNamedCommandIsToldBeforeParsing() {
        NAMED.clear();
        CommandLine cl = new Group().commandLineFor(List.of("--json", "first", "-q", "x"));
        assertEquals(List.of(List.of("-q", "x")), NAMED);
        assertTrue(cl.getSubcommands().containsKey("first"));
        new Group().commandLineFor(List.of("--help"));
        new Group().commandLineFor(List.of("other"));
        assertEquals(1, NAMED.size(), "only a command line naming the command calls named()");
    }

    @Test
    void initialValuesWhenNotGiven() {
        Sample s = parse("sample");
        assertFalse(s.quiet.value());
        assertEquals(7, s.count.value());
        assertNull(s.name.value());
        assertEquals(42, s.fromText.value(), "a default given as text is converted");
        assertArrayEquals(new boolean[0], s.more.value());
        assertEquals(List.of(), s.words.value());
    }

    @Test
    void givenValues() {
        Sample s = parse("sample", "-q", "--count", "3", "--name=x", "-XX", "a", "b");
        assertTrue(s.quiet.value());
        assertEquals(3, s.count.value());
        assertEquals("x", s.name.value());
        assertEquals(2, s.more.value().length, "-XX is -X twice");
        assertEquals(List.of("a", "b"), s.words.value());
    }

    @Test
    void globalOptionsBeforeOrAfterTheCommand() {
        Sample after = parse("sample", "--json", "--pid", "5");
        assertTrue(after.global().json());
        assertEquals(5, after.global().pid());
        Sample before = parse("--json", "--proc-root", "/host/proc", "sample");
        assertTrue(before.global().json());
        assertEquals("/host/proc", before.global().paths().procRoot().toString());
    }

    @Test
    void helpShowsDefaultsAndExamples() {
        CommandLine root = new BoxscopeCommand().commandLine();
        root.addSubcommand("sample", new Sample().commandLine());
        String help = root.getSubcommands().get("sample").getUsageMessage();
        assertTrue(help.contains("Count (default: 7)."), help);
        assertTrue(help.contains("--json"), "inherited global options are listed: " + help);
        assertTrue(help.strip().endsWith("boxscope sample -q a b"), help);
    }

    @Test
    void onlyTheNamedSubcommandIsBuilt() {
        CommandLine cl = Commands.commandLineFor(new String[] {"mem", "pmap", "-x", "1"});
        assertEquals(List.of("mem"), List.copyOf(cl.getSubcommands().keySet()));
        assertEquals(List.of("pmap"), List.copyOf(cl.getSubcommands().get("mem").getSubcommands().keySet()));
        CommandLine help = Commands.commandLineFor(new String[] {"mem", "--help"});
        assertEquals(5, help.getSubcommands().get("mem").getSubcommands().size(), "a group's help lists all");
    }

    /**
     * A command line naming one subcommand constructs that one alone, by its name or an alias (before, every
     * subcommand listed before it was constructed: syscount's run constructed the 25 commands before it); an
     * unknown word or --help still constructs them all (picocli's "did you mean", the list of subcommands).
     */
    @Test
    void aCommandLineNamingOneSubcommandConstructsNoOther() {
        MADE.clear();
        CommandLine cl = new Group().commandLineFor(List.of("third", "-x"));
        assertEquals(List.of("third"), MADE);
        assertEquals(List.of("third"), List.copyOf(cl.getSubcommands().keySet()));
        MADE.clear();
        new Group().commandLineFor(List.of("--json", "2nd"));
        assertEquals(List.of("second"), MADE, "an alias constructs the command it names");
        MADE.clear();
        CommandLine unknown = new Group().commandLineFor(List.of("fourth"));
        assertEquals(List.of("first", "second", "third"), MADE);
        assertEquals(3, java.util.Set.copyOf(unknown.getSubcommands().values()).size());
        MADE.clear();
        new Group().commandLineFor(List.of("--help"));
        assertEquals(List.of("first", "second", "third"), MADE);
    }

    /**
     * Every top-level command is registered with the name and aliases its constructor gives it: a wrong name in
     * {@link Commands#ALL} would make the command unreachable by its own name (only the unknown-word path would
     * construct it).
     */
    @Test
    void everyRegisteredNameIsTheNameOfTheCommandMade() {
        assertTrue(Commands.ALL.size() > 30, "every command: " + Commands.ALL.size());
        for (java.util.function.Supplier<CliCommand> make : Commands.ALL) {
            CliCommand.Named n = assertInstanceOf(CliCommand.Named.class, make, "registered with its name");
            CliCommand c = n.get();
            assertEquals(c.name(), n.name());
            assertEquals(c.aliases(), n.aliases(), c.name());
            CommandLine cl = Commands.commandLineFor(new String[] {c.name()});
            assertEquals(1, java.util.Set.copyOf(cl.getSubcommands().values()).size(), c.name() + " alone is built");
            assertTrue(cl.getSubcommands().containsKey(c.name()), c.name());
            for (String alias : c.aliases()) {
                assertTrue(Commands.commandLineFor(new String[] {alias}).getSubcommands().containsKey(c.name()), alias);
            }
        }
    }

    /**
     * Every command's --help wraps its description as paragraphs: no line of it shorter than 40 columns is followed
     * by more of the same paragraph. Before, picocli wrapped each source line at 80 on its own, so `trace --help`
     * read "capture every system call live (raw" / "tracepoints" / "sys_enter/sys_exit) and print it..." and
     * `diagnose --help` "Watches" / "it" / "for a window...".
     */
    @Test
    void helpDescriptionsWrapAsParagraphs() {
        List<String> orphans = new java.util.ArrayList<>();
        for (java.util.function.Supplier<CliCommand> make : Commands.ALL) {
            CliCommand c = make.get();
            CommandLine cl = Commands.commandLineFor(new String[] {c.name(), "--help"});
            List<String> lines = cl.getSubcommands().get(c.name()).getUsageMessage().lines().toList();
            int i = 0;
            while (i < lines.size() && (lines.get(i).startsWith("Usage:") || lines.get(i).startsWith(" "))) {
                i++; // the synopsis and its continuation lines
            }
            for (; i + 1 < lines.size() && !lines.get(i + 1).isBlank() && !lines.get(i + 1).startsWith(" "); i++) {
                if (lines.get(i).length() < 40) {
                    orphans.add(c.name() + ": \"" + lines.get(i) + "\" then \"" + lines.get(i + 1) + "\"");
                }
            }
        }
        assertEquals(List.of(), orphans);
    }

    /**
     * Every EXAMPLES line of every command and subcommand fits in 80 columns, but for a command alone on its line, and
     * keeps its indentation: picocli wrapped a longer one at column 0 ("  boxscope demo   start a limited test container and show" / "what Boxscope sees",
     * "boxscope bench compare base." / "json new.json").
     */
    @Test
    void examplesFitTheWidthAndKeepTheirIndentation() {
        List<String> bad = new java.util.ArrayList<>();
        java.util.ArrayDeque<CommandLine> todo = new java.util.ArrayDeque<>();
        todo.add(Commands.commandLineFor(new String[] {"--help"}));
        for (java.util.function.Supplier<CliCommand> make : Commands.ALL) {
            CliCommand c = make.get();
            todo.addAll(Commands.commandLineFor(new String[] {c.name(), "--help"}).getSubcommands().values());
        }
        int seen = 0;
        while (!todo.isEmpty()) {
            CommandLine cl = todo.poll();
            todo.addAll(cl.getSubcommands().values());
            String help = cl.getUsageMessage();
            int at = help.indexOf("\nEXAMPLES\n");
            if (at < 0) {
                continue;
            }
            seen++;
            for (String line : help.substring(at + "\nEXAMPLES\n".length()).lines().toList()) {
                // Only a command alone may be longer (it is never broken): no gap of 3 spaces before a description.
                boolean commandAlone = !line.strip().contains("   ");
                if (!line.isEmpty() && ((line.length() > 80 && !commandAlone) || !line.startsWith("  "))) {
                    bad.add(cl.getCommandSpec().qualifiedName() + ": \"" + line + "\"");
                }
            }
        }
        assertTrue(seen > 40, "commands with examples: " + seen);
        assertEquals(List.of(), bad);
    }

    @Test
    void exampleLinesWrapTheDescriptionInItsColumnOrUnderTheCommand() {
        String[] wrapped = CliCommand.exampleLines(new String[] {
            "  boxscope demo                      start a limited test container and show what Boxscope sees",
            "  boxscope containers --proc-root /host/proc --sys-root /host/sys   from inside a container",
            "  boxscope bench cpu --runs 5 --save base.json; boxscope bench compare base.json new.json",
            "  short   kept"}, 80);
        assertEquals(List.of(
                "  boxscope demo                      start a limited test container and show",
                "                                     what Boxscope sees",
                "  boxscope containers --proc-root /host/proc --sys-root /host/sys",
                "        from inside a container",
                "  boxscope bench cpu --runs 5 --save base.json; boxscope bench compare base.json new.json",
                "  short   kept"), List.of(wrapped));
    }

    /**
     * {@code boxscope --help} lists each command with a whole sentence: picocli lists the first element of a
     * description, which commands wrap by hand in the source, so most entries ended mid-sentence ("funccount  Count
     * function calls and tracepoint events, in the kernel (BCC funccount, on"). Each entry of the list, its lines
     * joined, ends with a period; a command's own --help still starts with its whole description, no header.
     */
    @Test
    void commandListShowsWholeFirstSentences() {
        Cli r = Cli.run("--help");
        assertEquals(0, r.code(), r.err());
        String list = r.out().substring(r.out().indexOf("Commands:\n") + "Commands:\n".length(), r.out().indexOf("\nEXAMPLES"));
        List<String> entries = new java.util.ArrayList<>();
        for (String line : list.lines().toList()) {
            if (line.startsWith("  ") && !line.startsWith("   ")) {
                entries.add(line.strip());
            } else if (!line.isBlank()) {
                entries.set(entries.size() - 1, entries.getLast() + " " + line.strip());
            }
        }
        assertTrue(entries.size() > 20, list);
        for (String e : entries) {
            assertTrue(e.endsWith("."), "ends mid-sentence: " + e);
        }
        assertTrue(entries.stream().anyMatch(e -> e.startsWith("funccount ")
                && e.endsWith("in the kernel (BCC funccount, on tracepoints and uprobes).")), list);
        Cli own = Cli.run("funccount", "--help");
        assertTrue(own.out().startsWith("Usage: boxscope funccount "), own.out());
    }

    @Test
    void summaryIsTheFirstSentenceOutsideParentheses() {
        assertEquals("Trace exec syscalls (libbpf-tools execsnoop, on the execve/execveat tracepoints).",
                CliCommand.summary("Trace exec syscalls (libbpf-tools execsnoop, on the", "execve/execveat tracepoints). Needs root."));
        assertEquals("bpftrace-style probes.", CliCommand.summary("bpftrace-style probes. -l lists the probes (e.g. x.y).", "More."));
        assertEquals("No period at all", CliCommand.summary("No period", "at all"));
    }
}
