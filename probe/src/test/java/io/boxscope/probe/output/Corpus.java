package io.boxscope.probe.output;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The output corpus (corpus.txt beside this class): bpftrace programs, what bpftrace 0.17
 * printed for them (text and {@code -f json}, captured by capture_output_corpus.py), and the
 * same run described as input to the output library. Format in docs/probe.md, section Output.
 */
record Corpus(List<Case> cases) {

    /** How the live test compares a case with a fresh bpftrace run. */
    enum Live {
        /** Byte for byte. */
        EXACT,
        /** Same lines in any order: entries that tie are ordered by the kernel's random hash seed. */
        TIES,
        /** Every digit replaced by 0 first: wall-clock times. */
        MASKED,
        /** Not re-run: output depends on addresses, the machine, or cannot be provoked. */
        NO
    }

    record Case(String name, String program, List<String> args, Live live, String why,
            List<String> input, String text, String json, String error) {}

    static Corpus load() throws IOException {
        try (InputStream in = Corpus.class.getResourceAsStream("corpus.txt")) {
            if (in == null) {
                throw new IOException("corpus.txt is missing from the test resources of io.boxscope.probe.output");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Shell words: spaces separate, single or double quotes group. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean in = false;
        char quote = 0;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                in = true;
            } else if (c == ' ') {
                if (in) {
                    out.add(w.toString());
                    w.setLength(0);
                    in = false;
                }
            } else {
                w.append(c);
                in = true;
            }
        }
        if (in) {
            out.add(w.toString());
        }
        return out;
    }

    static Corpus parse(String text) {
        List<Case> cases = new ArrayList<>();
        List<String> lines = text.lines().toList();
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith("=== ")) {
            i++;
        }
        while (i < lines.size()) {
            String name = lines.get(i).substring(4).trim();
            i++;
            String program = null;
            List<String> args = List.of();
            Live live = Live.EXACT;
            String why = "";
            while (i < lines.size() && !lines.get(i).startsWith("--- ") && !lines.get(i).startsWith("=== ")) {
                String l = lines.get(i++);
                if (l.startsWith("program: ")) {
                    program = l.substring(9);
                } else if (l.startsWith("args: ")) {
                    args = words(l.substring(6));
                } else if (l.startsWith("live: ")) {
                    String[] w = l.substring(6).trim().split(" ", 2);
                    live = Live.valueOf(w[0].toUpperCase(java.util.Locale.ROOT));
                    why = w.length > 1 ? w[1] : "";
                } else if (!l.isBlank() && !l.startsWith("#")) {
                    throw new IllegalArgumentException("corpus case " + name + ": unexpected line: " + l);
                }
            }
            List<String> input = List.of();
            String out = null;
            String json = null;
            String error = null;
            while (i < lines.size() && lines.get(i).startsWith("--- ")) {
                String section = lines.get(i++).substring(4).trim();
                List<String> body = new ArrayList<>();
                while (i < lines.size() && !lines.get(i).startsWith("--- ") && !lines.get(i).startsWith("=== ")) {
                    body.add(lines.get(i++));
                }
                String joined = body.isEmpty() ? "" : String.join("\n", body) + "\n";
                switch (section) {
                    case "input" -> input = body.stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
                    case "text" -> out = joined;
                    case "json" -> json = joined;
                    case "error" -> error = body.getFirst();
                    default -> throw new IllegalArgumentException("corpus case " + name + ": unknown section " + section);
                }
            }
            if (program == null) {
                throw new IllegalArgumentException("corpus case " + name + " has no program");
            }
            cases.add(new Case(name, program, args, live, why, input, out, json, error));
        }
        return new Corpus(cases);
    }
}
