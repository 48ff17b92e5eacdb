package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import io.boxscope.probe.codegen.Action;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.lang.sema.SType;
import io.boxscope.probe.lang.sema.SpecialKind;
import io.boxscope.probe.output.TextBuffer;
import io.boxscope.probe.output.Value;
import io.boxscope.probe.runtime.PrintfRecord;
import io.boxscope.testkit.KernelTest;
import io.boxscope.tools.core.RecordLines;
import io.boxscope.tools.core.ToolScript;
import io.boxscope.tools.execsnoop.ExecEvent;
import io.boxscope.tools.execsnoop.Execsnoop;
import io.boxscope.tools.opensnoop.OpenEvent;
import io.boxscope.tools.opensnoop.Opensnoop;
import org.junit.jupiter.api.Test;

/**
 * opensnoop's and execsnoop's text lines written as bytes straight from the records ({@code RecordLines}, what
 * {@code boxscope opensnoop > file} uses) against the String lines of the decoded events (the commands'
 * {@code line}, what a terminal gets and every build before branch toolbytes wrote to a file), byte for byte,
 * for every combination of the line options, over hostile names, paths and arguments (control characters,
 * escape sequences, the backslash, bidi overrides, C1 controls, invalid UTF-8, quotes, fields filled to the
 * last byte without a NUL). The records are laid out as the tools' real scripts compile on this kernel (hence
 * a kernel test: the scripts' types come from the tracepoints' formats).
 */
@KernelTest
class ToolBytesTest {
    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** -T's and -t's columns, which each path reads from the clock when it writes: compared apart. */
    private static final Pattern CLOCK = Pattern.compile("(?m)^(\\d\\d:\\d\\d:\\d\\d )?(\\d+\\.\\d{3} *)?");

    /** Hostile strings as bytes (a field filled without a NUL is cut by the field's size). */
    private static final List<byte[]> HOSTILE = List.of(
            b("bash"), b(""), b("sp ace"), b("a\\b"), b("tab\there"), b("nl\nx"), b("\u001b[31mred"), b("del\u007f"),
            b("x\u202eexe.sh"), b("c1\u0085"), b("h\u00e9llo"), b("quo\"te"), b("\u2028sep"),
            new byte[] {(byte) 0xff, 'a', (byte) 0xc3}, new byte[] {'o', 'k', (byte) 0xe2, (byte) 0x80},
            "0123456789abcdefghij".repeat(20).getBytes(StandardCharsets.US_ASCII));

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The printf of {@code script} whose format starts with {@code tag}. */
    private static Action.Printf printf(CompiledScript script, String tag) {
        return script.actions().stream().filter(a -> a instanceof Action.Printf p && p.format().startsWith(tag + " "))
                .map(a -> (Action.Printf) a).findFirst().orElseThrow();
    }

    /** A record of {@code p} with these arguments: Long for integers, byte[] for strings and for the container's name. */
    private static byte[] record(Action.Printf p, Object... args) {
        byte[] rec = new byte[p.size()];
        for (int i = 0; i < args.length; i++) {
            int off = p.offsets().get(i);
            switch (p.types().get(i)) {
                case SType.Str s -> {
                    byte[] v = (byte[]) args[i];
                    System.arraycopy(v, 0, rec, off, Math.min(v.length, s.bytes()));
                }
                case SType.Special s -> U64.set(rec, off, (long) ((byte[]) args[i]).length); // the name's index: see decoder
                default -> U64.set(rec, off, (Long) args[i]);
            }
        }
        return rec;
    }

    /**
     * The values path's decoding of the test records (as the session's ValueDecoder: integers at their width, strings
     * up to their NUL as RawText decodes them), with the {@code container} builtin resolved to {@code containers[n]} for the n
     * stored in its place.
     */
    private static PrintfRecord.Decoder decoder(List<String> containers) {
        return (t, rec, off) -> switch (t) {
            case SType.Int n -> new Value.Int((long) U64.get(rec, off), n.bytes() * 8, n.signed());
            case SType.Ptr p -> new Value.Int((long) U64.get(rec, off), 64, false);
            case SType.Str s -> {
                int max = Math.min(s.bytes(), rec.length - off);
                int n = 0;
                while (n < max && rec[off + n] != 0) {
                    n++;
                }
                yield new Value.Str(io.boxscope.proc.RawText.decode(rec, off, n));
            }
            case SType.Special s when s.kind() == SpecialKind.CONTAINER -> new Value.Str(containers.get((int) (long) U64.get(rec, off)));
            default -> throw new IllegalArgumentException("not in these scripts: " + t);
        };
    }

    /** What both paths wrote, with -T's and -t's clock columns checked for their form and taken out. */
    private static String unclocked(String text) {
        return CLOCK.matcher(text).replaceAll("");
    }

    /**
     * The String lines as the command writes them (TextBuffer.utf8: RawText's encoding, a byte that was not UTF-8 as
     * it was), a byte a char: compared with the byte lines' bytes.
     */
    private static String latin1(CharSequence lines) {
        return new String(io.boxscope.proc.RawText.encode(lines.toString()), StandardCharsets.ISO_8859_1);
    }

    private static void assertSame(String strings, String bytes, String what) {
        assertEquals(strings.lines().count(), bytes.lines().count(), what);
        assertEquals(unclocked(strings), unclocked(bytes), what);
    }

    @Test
    void opensnoopBytesEqualTheStringLines() throws Exception {
        CompiledScript script = ToolScript.of(Opensnoop.class, "opensnoop").withStrlen(256)
                .compile(Path.of("/sys"), List.of("0", "0", "0", "0", "0"), false);
        Action.Printf p = printf(script, "O");
        int formatId = 0;
        // the container builtin resolves to a name, or to the cgroup id as a number for a host process
        List<String> containers = List.of("4242", "web", "x\u202eevil\u001b[0m", "");
        List<Long> cgroups = List.of(4242L, 1L, 2L, 3L);
        long[] rets = {3, 0, -2, -13, Integer.MAX_VALUE, Integer.MIN_VALUE};
        long[] hows = {0, 0101 | (0644L << 32), 020200000 | (0600L << 32), 0xffffffffL};
        int lines = 0;
        for (String name : new String[] {null, "a", "\u00e9"}) {
            for (int cols = 0; cols < 32; cols++) {
                OpensnoopCommand c = new OpensnoopCommand();
                c.toTerminal((cols & 16) != 0);
                c.timestamp.set((cols & 1) != 0);
                c.printUid.set((cols & 2) != 0);
                c.containerColumn.set((cols & 4) != 0);
                c.extended.set((cols & 8) != 0);
                Opensnoop tool = new Opensnoop(new Opensnoop.Options(null, null, false, name));
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                TextBuffer buffer = new TextBuffer(bytes::write, 1 << 16);
                RecordLines byteLines = tool.lines(c.columns(), c.escaping(), buffer);
                StringBuilder strings = new StringBuilder();
                PrintfRecord view = new PrintfRecord(decoder(containers));
                int k = 0;
                for (byte[] comm : HOSTILE) {
                    for (byte[] path : HOSTILE) {
                        int ci = k % containers.size();
                        byte[] rec = record(p, (long) (k * 7919 % 4194304), (long) (k % 3 == 0 ? 0 : 65534 + k),
                                comm, rets[k % rets.length], hows[k % hows.length], path, cgroups.get(ci), new byte[ci]);
                        k++;
                        OpenEvent e = tool.event(formatId, view.of(p, rec).decode());
                        if (e != null) {
                            strings.append(c.line(e));
                        }
                        assertTrue(byteLines.write(formatId, view.of(p, rec)));
                    }
                }
                buffer.flush();
                String got = bytes.toString(StandardCharsets.ISO_8859_1); // a byte a char: the bytes compared
                assertSame(latin1(strings), got, "opensnoop -n " + name + " columns " + c.columns() + " terminal " + (cols >= 16));
                lines += (int) got.lines().count();
            }
        }
        assertTrue(lines > 32 * HOSTILE.size() * HOSTILE.size(), "lines compared: " + lines);
    }

    @Test
    void execsnoopBytesEqualTheStringLines() throws Exception {
        CompiledScript script = ToolScript.of(Execsnoop.class, "execsnoop").withStrlen(128)
                .compile(Path.of("/sys"), List.of("0", "0", "0", "20"), false);
        Action.Printf arg = printf(script, "A");
        Action.Printf more = printf(script, "M");
        Action.Printf exit = printf(script, "X");
        List<String> containers = List.of("77", "db\u0007", "");
        int lines = 0;
        for (String[] filter : new String[][] {{null, null}, {"a", null}, {null, "e"}}) {
            for (boolean failed : new boolean[] {false, true}) {
                for (int cols = 0; cols < 64; cols++) {
                    ExecsnoopCommand c = new ExecsnoopCommand();
                    c.toTerminal((cols & 32) != 0);
                    c.time.set((cols & 1) != 0);
                    c.timestamp.set((cols & 2) != 0);
                    c.printUid.set((cols & 4) != 0);
                    c.containerColumn.set((cols & 8) != 0);
                    c.quote.set((cols & 16) != 0);
                    Execsnoop tool = new Execsnoop(new Execsnoop.Options(failed, null, 20, filter[0], filter[1]));
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    TextBuffer buffer = new TextBuffer(bytes::write, 1 << 16);
                    RecordLines byteLines = tool.lines(c.columns(), c.escaping(), buffer);
                    StringBuilder strings = new StringBuilder();
                    PrintfRecord view = new PrintfRecord(decoder(containers));
                    List<byte[]> records = new ArrayList<>();
                    List<Action.Printf> printfs = new ArrayList<>();
                    int tid = 4_000_000; // no such process
                    for (int k = 0; k < HOSTILE.size(); k++) {
                        // an exec of HOSTILE[k] with the other hostile strings as its arguments (k + 1 of them, up to 4)
                        tid++;
                        for (int i = 0; i <= Math.min(k, 3); i++) {
                            records.add(record(arg, (long) tid, (long) i, HOSTILE.get((k + i) % HOSTILE.size())));
                            printfs.add(arg);
                        }
                        if (k % 4 == 1) {
                            records.add(record(more, (long) tid));
                            printfs.add(more);
                        }
                        int ci = k % containers.size();
                        // ppid 0 for one (init's parent, as the script sends it)
                        records.add(record(exit, (long) tid, (long) tid, (long) (k * 1000), (long) (k % 5 == 4 ? -2 : 0),
                                HOSTILE.get(HOSTILE.size() - 1 - k), k == 3 ? 0L : 1L, 77L, new byte[ci]));
                        printfs.add(exit);
                    }
                    // an exit whose enter was not seen prints nothing
                    records.add(record(exit, 9999L, 9999L, 0L, 0L, b("lost"), 1L, 77L, new byte[0]));
                    printfs.add(exit);
                    for (int i = 0; i < records.size(); i++) {
                        int formatId = 0; // the tools tell records by their tag, not by the format number
                        ExecEvent e = tool.event(formatId, view.of(printfs.get(i), records.get(i)).decode());
                        if (e != null) {
                            strings.append(c.line(e));
                        }
                        assertTrue(byteLines.write(formatId, view.of(printfs.get(i), records.get(i))));
                    }
                    buffer.flush();
                    String got = bytes.toString(StandardCharsets.ISO_8859_1); // a byte a char: the bytes compared
                    assertSame(latin1(strings), got, "execsnoop filter " + List.of(String.valueOf(filter[0]),
                            String.valueOf(filter[1])) + " -x " + failed + " columns " + c.columns() + " terminal " + (cols >= 32));
                    lines += (int) got.lines().count();
                }
            }
        }
        assertTrue(lines > 64 * HOSTILE.size(), "lines compared: " + lines);
    }

}
