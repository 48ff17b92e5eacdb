package io.boxscope.probe.output;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the corpus input language: typed values ({@code i64:-5}, {@code u8:255}, {@code "text"},
 * {@code buf:"a\x01"}, {@code ptr:0x10}, {@code (a, b)}, {@code ksym:"name"},
 * {@code ts:"%H"@2026-12-04T18:21:18}, {@code stack:perf[7f00 "sym" ...]}, {@code array:(i64:1 i64:2)},
 * {@code record:(a=i64:1 s="x")}), bare words and
 * numbers, from one line.
 */
final class Literal {
    private final String s;
    private int pos;

    Literal(String s) {
        this.s = s;
    }

    boolean atEnd() {
        skipSpace();
        return pos >= s.length();
    }

    private void skipSpace() {
        while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == ',')) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at column " + (pos + 1) + " of: " + s);
    }

    /** A run of characters up to a space, comma, bracket or parenthesis. */
    String word() {
        skipSpace();
        int start = pos;
        while (pos < s.length() && " ,[]()\"".indexOf(s.charAt(pos)) < 0) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a word");
        }
        return s.substring(start, pos);
    }

    long number() {
        String w = word();
        if (w.startsWith("0x")) {
            return Long.parseUnsignedLong(w.substring(2), 16);
        }
        return w.startsWith("-") ? Long.parseLong(w) : Long.parseUnsignedLong(w);
    }

    boolean peek(char c) {
        skipSpace();
        return pos < s.length() && s.charAt(pos) == c;
    }

    void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    /** A double-quoted string with C escapes; \xNN are bytes, the whole decoded as UTF-8. */
    byte[] quotedBytes() {
        expect('"');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (pos < s.length() && s.charAt(pos) != '"') {
            char c = s.charAt(pos++);
            if (c != '\\') {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            char e = s.charAt(pos++);
            switch (e) {
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'r' -> out.write('\r');
                case '0' -> out.write(0);
                case 'x' -> {
                    out.write(Integer.parseInt(s.substring(pos, pos + 2), 16));
                    pos += 2;
                }
                default -> out.write(e);
            }
        }
        expect('"');
        return out.toByteArray();
    }

    String quoted() {
        return new String(quotedBytes(), StandardCharsets.UTF_8);
    }

    /** A key list {@code [a, b]} ({@code []}: no key). */
    List<Value> key() {
        expect('[');
        List<Value> key = new ArrayList<>();
        while (!peek(']')) {
            key.add(value());
        }
        expect(']');
        return key;
    }

    Value value() {
        if (peek('"')) {
            return new Value.Str(quoted());
        }
        if (peek('(')) {
            expect('(');
            List<Value> elems = new ArrayList<>();
            while (!peek(')')) {
                elems.add(value());
            }
            expect(')');
            return new Value.Tuple(elems);
        }
        skipSpace();
        int colon = s.indexOf(':', pos);
        if (colon < 0) {
            throw error("expected a typed value such as i64:1");
        }
        String type = s.substring(pos, colon);
        pos = colon + 1;
        return switch (type) {
            case "i64", "i32", "i16", "i8" -> new Value.Int(number(), Integer.parseInt(type.substring(1)), true);
            case "u64", "u32", "u16", "u8" -> new Value.Int(number(), Integer.parseInt(type.substring(1)), false);
            case "ptr" -> new Value.Pointer(number());
            case "buf" -> new Value.Buffer(quotedBytes());
            case "ts" -> timestamp();
            case "stack" -> stack();
            case "array" -> new Value.Array(elements());
            case "record" -> record();
            default -> new Value.Resolved(ResolvedKind.valueOf(type.toUpperCase(Locale.ROOT)), quoted());
        };
    }

    /** {@code (v v ...)}. */
    private List<Value> elements() {
        expect('(');
        List<Value> elems = new ArrayList<>();
        while (!peek(')')) {
            elems.add(value());
        }
        expect(')');
        return elems;
    }

    /** {@code record:(name=VALUE name=VALUE)}. */
    private Value record() {
        expect('(');
        List<Value.Field> fields = new ArrayList<>();
        while (!peek(')')) {
            int eq = s.indexOf('=', pos);
            String name = s.substring(pos, eq).trim();
            pos = eq + 1;
            fields.add(new Value.Field(name, value()));
        }
        expect(')');
        return new Value.Record(fields);
    }

    /** {@code ts:"FMT"@LOCALTIME}: strftime() resolved at that local time. */
    private Value timestamp() {
        String fmt = quoted();
        expect('@');
        ZonedDateTime at = LocalDateTime.parse(word()).atZone(ZoneId.systemDefault());
        return new Value.Resolved(ResolvedKind.TIMESTAMP, Strftime.strftime(fmt, at));
    }

    ZonedDateTime time() {
        return LocalDateTime.parse(word()).atZone(ZoneId.systemDefault());
    }

    /** {@code stack:bpftrace["sym" ...]} or {@code stack:perf[ADDR "sym" ...]} (addresses in hex). */
    private Value stack() {
        StackMode mode = StackMode.valueOf(word().toUpperCase(Locale.ROOT));
        expect('[');
        List<Value.Frame> frames = new ArrayList<>();
        while (!peek(']')) {
            long addr = 0;
            if (mode == StackMode.PERF) {
                addr = Long.parseUnsignedLong(word(), 16);
            }
            frames.add(new Value.Frame(addr, quoted()));
        }
        expect(']');
        return new Value.Stack(mode, frames);
    }
}
