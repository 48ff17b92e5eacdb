package io.boxscope.probe.lang.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import io.boxscope.probe.lang.ast.AstPrinter;
import io.boxscope.probe.lang.diag.ProgramException;
import org.junit.jupiter.api.Test;

/** Hostile programs: one diagnostic with a position, never another exception and never a stack overflow. */
class HostileInputTest {
    static ProgramException fails(String text) {
        return fails(text.getBytes(StandardCharsets.UTF_8));
    }

    static ProgramException fails(byte[] bytes) {
        ProgramException e = assertThrows(ProgramException.class,
                () -> ProgramParser.parse(ProgramParser.decode("stdin", bytes)));
        assertEquals(1, e.diagnostics().size(), e.getMessage());
        assertTrue(e.getMessage().startsWith("stdin:"), e.getMessage());
        return e;
    }

    @Test
    void deepNesting() {
        assertTrue(fails("BEGIN { $x = " + "(".repeat(100_000) + "1" + ")".repeat(100_000) + "; }").getMessage()
                .contains("nested too deeply"));
        assertTrue(fails("BEGIN { $x = " + "!".repeat(100_000) + "1; }").getMessage().contains("nested too deeply"));
        assertTrue(fails("BEGIN { " + "if (1) { ".repeat(50_000) + "}".repeat(50_000) + " }").getMessage().contains("nested too deeply"));
        assertTrue(fails("BEGIN { $x = 1" + " + 1".repeat(100_000) + "; }").getMessage().contains("too long"));
        assertTrue(fails("BEGIN { $x = $a" + ".b".repeat(100_000) + "; }").getMessage().contains("nested too deeply"));
        assertTrue(fails("BEGIN { $x = 1 ? 1 : " + "1 ? 1 : ".repeat(50_000) + "1; }").getMessage().contains("nested too deeply"));
    }

    @Test
    void hugeLiterals() {
        assertTrue(fails("BEGIN { $x = 18446744073709551616; }").getMessage().contains("too large"));
        assertTrue(fails("BEGIN { $x = " + "9".repeat(100_000) + "; }").getMessage().contains("too large"));
        // bpftrace 0.17's words (src/ast/int_parser.cpp), since the lexer reads NeM as it does
        assertTrue(fails("BEGIN { $x = 1e99; }").getMessage().contains("Exponent will overflow integer range: 99"));
        assertTrue(fails("BEGIN { print($99999999999); }").getMessage().contains("too large"));
    }

    @Test
    void unterminated() {
        String s = fails("BEGIN { printf(\"abc); }").getMessage();
        assertEquals("""
                stdin:1:16: error: unterminated string
                BEGIN { printf("abc); }
                               ^~~~~~~~
                hint: close the string with " on the same line
                """, s);
        assertTrue(fails("BEGIN { /* x ").getMessage().contains("end of file during comment"));
        assertTrue(fails("BEGIN { printf(\"x\")").getMessage().contains("unexpected end of file"));
        assertTrue(fails("#ifndef BPFTRACE_HAVE_BTF\nBEGIN {}").getMessage().contains("no #endif"));
        assertTrue(fails("uprobe:\"/bin/bash:readline { }").getMessage().contains("unterminated string"));
    }

    @Test
    void nulBytesAndControlCharacters() {
        ProgramException e = fails("BEGIN { $x\u0000 = 1; }");
        assertTrue(e.getMessage().contains("invalid character '\\x00'"), e.getMessage());
        assertTrue(e.getMessage().contains("BEGIN { $x? = 1; }"), "the echoed line shows NUL as ?: " + e.getMessage());
        assertTrue(fails("BEGIN { printf(\"a\u0000b\"); }").getMessage().contains("NUL"));
        assertTrue(fails("BEG\u0000IN { }").getMessage().contains("invalid character"));
        assertTrue(fails("BEGIN { $x = 1; \u001b[31m }").getMessage().contains("invalid character '\\x1b'"));
    }

    @Test
    void invalidUtf8() {
        byte[] b = {'B', 'E', 'G', 'I', 'N', ' ', '{', ' ', (byte) 0xff, (byte) 0xfe, ' ', '}'};
        ProgramException e = fails(b);
        assertTrue(e.getMessage().startsWith("stdin:1:9: error: invalid UTF-8"), e.getMessage());
    }

    @Test
    void emptyAndGarbage() {
        assertTrue(fails("").getMessage().contains("no probes"));
        assertTrue(fails("// only a comment\n").getMessage().contains("no probes"));
        assertTrue(fails("{ }").getMessage().contains("expecting an attach point"));
        assertTrue(fails("BEGIN").getMessage().contains("unexpected end of file"));
        assertTrue(fails("BEGIN { ; }").getMessage().contains("syntax error"));
        assertTrue(fails("#define X 1\nBEGIN { }").getMessage().contains("#define is not supported"));
    }

    /** Random token soup and random bytes: either a program or one diagnostic, nothing else. */
    @Test
    void fuzz() {
        List<String> pieces = List.of("BEGIN", "{", "}", "(", ")", "[", "]", "/", "@x", "$y", "1", "0x", "\"s", "\"",
                ";", ",", "+", "->", ".", "?", ":", "if", "else", "while", "unroll", "printf", "count()", "=", "==",
                "tracepoint:syscalls:sys_enter_*", "\n", " ", "/*", "*/", "//", "#include <x.h>\n", "struct", "\\", "\u0000", "é");
        Random r = new Random(42);
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(40);
            for (int j = 0; j < n; j++) {
                sb.append(pieces.get(r.nextInt(pieces.size())));
            }
            check(sb.toString().getBytes(StandardCharsets.UTF_8));
            byte[] raw = new byte[r.nextInt(64)];
            r.nextBytes(raw);
            check(raw);
        }
    }

    static void check(byte[] bytes) {
        try {
            AstPrinter.print(ProgramParser.parse(ProgramParser.decode("stdin", bytes)));
        } catch (ProgramException e) {
            assertEquals(1, e.diagnostics().size(), e.getMessage());
        }
    }
}
