package io.boxscope.probe.output;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a corpus case's input lines into the events the runtime would hand the output stage.
 * Map commands keep the maps as the kernel would hold them after the program's updates (entries
 * in first-insertion order, standing for the kernel's iteration order):
 * <pre>
 * map @NAME KIND [keyed] [MIN MAX STEP]   KIND: value count sum usum min max avg stats hist lhist
 * set @NAME [KEY...] VALUE                value maps: a typed value; count/sum/min/max: a number
 * obs @NAME [KEY...] N N ...              hist, lhist, avg, stats: observations
 * clear @NAME | zero @NAME                bpftrace's clear() (zero() for unkeyed plain maps) and zero()
 * </pre>
 * Events: {@code attached N}, {@code printf "FMT" ARGS...}, {@code print @NAME [TOP [DIV]]},
 * {@code print VALUE}, {@code time "FMT"|- LOCALTIME}, {@code join "DELIM" "ARG"...},
 * {@code cat "OUTPUT"}, {@code system "OUTPUT"}, {@code lost N}, {@code exit}.
 */
final class CorpusInput {
    private record Decl(MapKind kind, boolean keyed, boolean signed, LinearRange range) {}

    private final Map<String, Decl> decls = new TreeMap<>();
    private final Map<String, LinkedHashMap<List<Value>, MapValue>> state = new TreeMap<>();
    private final List<Event> events = new ArrayList<>();

    static List<Event> events(List<String> lines) {
        CorpusInput in = new CorpusInput();
        for (String line : lines) {
            try {
                in.line(line);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("input line: " + line + ": " + e.getMessage(), e);
            }
        }
        return in.events;
    }

    private void line(String line) {
        Literal r = new Literal(line);
        String cmd = r.word();
        switch (cmd) {
            case "map" -> declare(r);
            case "set" -> set(r);
            case "obs" -> observe(r);
            case "clear" -> clear(r.word());
            case "zero" -> zero(r.word());
            case "attached" -> events.add(new Event.Attached(r.number()));
            case "lost" -> events.add(new Event.Lost(r.number()));
            case "printf" -> {
                String fmt = r.quoted();
                List<Value> args = new ArrayList<>();
                while (!r.atEnd()) {
                    args.add(r.value());
                }
                events.add(new Event.Printf(fmt, args));
            }
            case "print" -> print(r);
            case "time" -> {
                String fmt = r.peek('"') ? r.quoted() : nullIfDash(r.word());
                events.add(new Event.Time(fmt, r.time()));
            }
            case "join" -> {
                String delim = r.quoted();
                List<String> args = new ArrayList<>();
                while (!r.atEnd()) {
                    args.add(r.quoted());
                }
                events.add(new Event.Join(args, delim));
            }
            case "cat" -> events.add(new Event.Message(MessageType.CAT, r.quoted()));
            case "system" -> events.add(new Event.Message(MessageType.SYSCALL, r.quoted()));
            case "exit" -> events.add(new Event.Exit(dumps()));
            default -> throw new IllegalArgumentException("unknown command " + cmd);
        }
        if (!r.atEnd()) {
            throw new IllegalArgumentException("trailing text");
        }
    }

    private static String nullIfDash(String w) {
        if (!w.equals("-")) {
            throw new IllegalArgumentException("time takes \"FORMAT\" or -");
        }
        return null;
    }

    private void declare(Literal r) {
        String name = r.word();
        String kind = r.word();
        boolean keyed = false;
        LinearRange range = null;
        while (!r.atEnd()) {
            String w = r.word();
            if (w.equals("keyed")) {
                keyed = true;
            } else {
                range = new LinearRange(Integer.parseInt(w), Integer.parseInt(r.word()), Integer.parseInt(r.word()));
            }
        }
        boolean signed = !kind.equals("usum");
        MapKind k = MapKind.valueOf((kind.equals("usum") ? "sum" : kind).toUpperCase(Locale.ROOT));
        decls.put(name, new Decl(k, keyed, signed, range));
        state.put(name, new LinkedHashMap<>());
    }

    private Decl decl(String name) {
        Decl d = decls.get(name);
        if (d == null) {
            throw new IllegalArgumentException("map " + name + " is not declared");
        }
        return d;
    }

    private void set(Literal r) {
        String name = r.word();
        Decl d = decl(name);
        List<Value> key = r.key();
        MapValue v = switch (d.kind()) {
            case VALUE -> new MapValue.Plain(r.value());
            case COUNT -> new MapValue.Count(r.number());
            case SUM -> new MapValue.Sum(r.number(), d.signed());
            case MIN -> new MapValue.Min(r.number());
            case MAX -> new MapValue.Max(r.number());
            default -> throw new IllegalArgumentException(d.kind() + " maps take obs, not set");
        };
        state.get(name).put(key, v);
    }

    private void observe(Literal r) {
        String name = r.word();
        Decl d = decl(name);
        List<Value> key = r.key();
        Map<List<Value>, MapValue> m = state.get(name);
        while (!r.atEnd()) {
            long x = r.number();
            MapValue old = m.get(key);
            m.put(key, switch (d.kind()) {
                case HIST -> {
                    long[] b = old == null ? new long[Buckets.HIST_BUCKETS] : ((MapValue.Hist) old).buckets();
                    b[Buckets.hist(x)]++;
                    yield new MapValue.Hist(b);
                }
                case LHIST -> {
                    long[] b = old == null ? new long[d.range().inner() + 2] : ((MapValue.Lhist) old).buckets();
                    b[Buckets.lhist(x, d.range())]++;
                    yield new MapValue.Lhist(b);
                }
                case AVG -> old == null ? new MapValue.Avg(1, x)
                        : new MapValue.Avg(((MapValue.Avg) old).count() + 1, ((MapValue.Avg) old).total() + x);
                case STATS -> old == null ? new MapValue.Stats(1, x)
                        : new MapValue.Stats(((MapValue.Stats) old).count() + 1, ((MapValue.Stats) old).total() + x);
                case COUNT -> new MapValue.Count(old == null ? 1 : ((MapValue.Count) old).count() + 1);
                default -> throw new IllegalArgumentException(d.kind() + " maps take set, not obs");
            });
        }
    }

    /**
     * bpftrace 0.17 keeps an unkeyed count() in a per-CPU array, which clear() can only zero; every
     * other map is a hash map, whose entries clear() deletes (src/imap.cpp, BPFtrace::clear_map).
     */
    private void clear(String name) {
        Decl d = decl(name);
        if (d.kind() == MapKind.COUNT && !d.keyed()) {
            zero(name);
        } else {
            state.get(name).clear();
        }
    }

    private void zero(String name) {
        Decl d = decl(name);
        Map<List<Value>, MapValue> m = state.get(name);
        m.replaceAll((k, v) -> switch (v) {
            case MapValue.Plain p -> new MapValue.Plain(zeroOf(p.value()));
            case MapValue.Count c -> new MapValue.Count(0);
            case MapValue.Sum s -> new MapValue.Sum(0, s.signed());
            case MapValue.Min x -> new MapValue.Min(0);
            case MapValue.Max x -> new MapValue.Max(0);
            case MapValue.Avg a -> new MapValue.Avg(0, 0);
            case MapValue.Stats s -> new MapValue.Stats(0, 0);
            case MapValue.Hist h -> new MapValue.Hist(new long[Buckets.HIST_BUCKETS]);
            case MapValue.Lhist l -> new MapValue.Lhist(new long[d.range().inner() + 2]);
        });
    }

    private static Value zeroOf(Value v) {
        return switch (v) {
            case Value.Int i -> new Value.Int(0, i.width(), i.signed());
            case Value.Str s -> new Value.Str("");
            default -> throw new IllegalArgumentException("zero() of " + v + " is not modelled");
        };
    }

    private void print(Literal r) {
        if (r.peek('@')) {
            String name = r.word();
            long top = r.atEnd() ? 0 : r.number();
            long div = r.atEnd() ? 0 : r.number();
            events.add(new Event.PrintMap(dump(name), top, div));
        } else {
            events.add(new Event.Print(r.value()));
        }
    }

    private MapDump dump(String name) {
        Decl d = decl(name);
        List<MapDump.Entry> entries = new ArrayList<>();
        state.get(name).forEach((k, v) -> entries.add(new MapDump.Entry(k, v)));
        return new MapDump(name, d.kind(), d.keyed(), d.range(), entries);
    }

    private List<MapDump> dumps() {
        return decls.keySet().stream().map(this::dump).toList();
    }
}
