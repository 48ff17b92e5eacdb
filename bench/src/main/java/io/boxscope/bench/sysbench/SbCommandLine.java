package io.boxscope.bench.sysbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * sysbench 1.0.20's command line, parsed as its main() parses it (src/sysbench.c): one pass over
 * the arguments for the general options, where the first two words that do not start with "--" are
 * the test and the command and a third is an error; options may come before or after the words,
 * and an option given twice keeps its last value. Options no general table knows are left for the
 * test's table, read once the test is known ({@link #parseTest}); one that table does not know
 * either is "invalid option". Only "--NAME" and "--NAME=VALUE" are options, as in sysbench
 * ("--threads 2" makes "2" a word).
 */
public final class SbCommandLine {
    private final SbValues values;
    private final List<String> left = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private String test;
    private String command;

    private SbCommandLine(SbValues values) {
        this.values = values;
    }

    /** A command line sysbench refuses before doing anything else: the message for stderr, exit 1. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** The general pass (parse_general_arguments). */
    public static SbCommandLine parse(List<String> args) throws Refused {
        SbCommandLine cl = new SbCommandLine(SbTables.generalValues());
        for (String a : args) {
            if (!a.startsWith("--")) {
                if (cl.test == null) {
                    cl.test = a;
                } else if (cl.command == null) {
                    cl.command = a;
                } else {
                    throw new Refused("Unrecognized command line argument: " + a);
                }
            } else if (a.startsWith("--test=")) {
                cl.warnings.add("WARNING: the --test option is deprecated. You can pass a script name or path on the "
                        + "command line without any options.");
                cl.values.set("test", a.substring("--test=".length()), SbOption.Type.STRING);
                cl.test = cl.values.string("test");
            } else if (a.startsWith("--config-file=") || a.startsWith("--config_file=")) {
                cl.readConfig(a.substring("--config-file=".length()));
            } else if (!cl.values.parse(a.substring(2))) {
                cl.left.add(a);
            }
        }
        return cl;
    }

    /**
     * The test's pass (parse_test_arguments): registers the test's options with their defaults and
     * reads what the general pass left; an option neither knows is refused with sysbench's message.
     */
    public void parseTest(SbTables.Test t) throws Refused {
        values.register(t.options());
        for (String a : left) {
            if (!values.parse(a.substring(2))) {
                throw new Refused("invalid option: " + a);
            }
        }
        left.clear();
    }

    /** sysbench's read_config: NAME=VALUE[,VALUE...] lines; '#' starts a comment; quotes keep commas. */
    private void readConfig(String file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            warnings.add(file + ": No such file or directory");
            return;
        }
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            values.setRaw(line.substring(0, eq), configValues(line.substring(eq + 1)));
        }
    }

    static List<String> configValues(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                break;
            } else if (c == '\'' || c == '"') {
                int end = s.indexOf(c, i + 1);
                if (end < 0) {
                    break;
                }
                out.add(s.substring(i + 1, end));
                i = end + 1;
                while (i < s.length() && s.charAt(i) != ',') {
                    i++;
                }
                i++;
            } else {
                int j = i;
                while (j < s.length() && s.charAt(j) != ',' && !Character.isWhitespace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j + 1;
            }
        }
        return out;
    }

    public SbValues values() {
        return values;
    }

    /** The first word, or null. */
    public String test() {
        return test;
    }

    /** The second word, or null. */
    public String command() {
        return command;
    }

    /** Lines sysbench prints on stderr while parsing (the deprecated --test, an unreadable --config-file). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public static SbCommandLine parse(String... args) throws Refused {
        return parse(Arrays.asList(args));
    }
}
