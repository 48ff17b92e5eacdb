package io.boxscope.probe.lang.parse;

import static io.boxscope.testkit.TextAssert.assertContainsAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import io.boxscope.probe.lang.ast.AstPrinter;
import io.boxscope.probe.lang.ast.BinaryOp;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.ast.Program;
import io.boxscope.probe.lang.ast.Stmt;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import org.junit.jupiter.api.Test;

/** The parser on the lab's one-liners and on the constructs bpftrace 0.17 accepts. */
public class ParserTest {
    public static final List<String> LAB = List.of(
            "tracepoint:syscalls:sys_enter_* { @[probe] = count(); }",
            "tracepoint:syscalls:sys_enter_execve { printf(\"%s ran %s\\n\", comm, str(args->filename)); }",
            "tracepoint:syscalls:sys_enter_read { @start[tid] = nsecs; } tracepoint:syscalls:sys_exit_read /@start[tid]/ "
                    + "{ @latency_us = hist((nsecs - @start[tid]) / 1000); delete(@start[tid]); }",
            "tracepoint:syscalls:sys_enter_read /pid == 1234/ { @start[tid] = nsecs; } tracepoint:syscalls:sys_exit_read /@start[tid]/ "
                    + "{ @us = hist((nsecs - @start[tid]) / 1000); delete(@start[tid]); }",
            "#!/usr/bin/env bpftrace\ntracepoint:syscalls:sys_enter_connect { @connects[comm] = count(); }\n"
                    + "interval:s:5 { print(@connects); clear(@connects); }\n");

    static Program parse(String text) throws ProgramException {
        return ProgramParser.parse(new SourceText("stdin", text));
    }

    @Test
    void labProgramsParse() throws Exception {
        for (String p : LAB) {
            Program prog = parse(p);
            assertTrue(prog.probes().size() >= 1, p);
        }
    }

    @Test
    void predicateWithDivisionAndEndSlash() throws Exception {
        Program p = parse("t:syscalls:sys_exit_read /@start[tid] / 2 > 0/ { @x = 1 }");
        Expr pred = p.probes().getFirst().predicate();
        Expr.Binary gt = assertInstanceOf(Expr.Binary.class, pred);
        assertEquals(BinaryOp.GT, gt.op());
        assertEquals(BinaryOp.DIV, assertInstanceOf(Expr.Binary.class, gt.left()).op());
    }

    @Test
    void attachPointsSplitAndShareABody() throws Exception {
        Program p = parse("uprobe:/bin/bash:readline, u:libc:malloc,BEGIN { printf(\"x\") }");
        var aps = p.probes().getFirst().attachPoints();
        assertEquals(3, aps.size());
        assertEquals("uprobe", aps.get(0).provider());
        assertEquals(List.of("/bin/bash", "readline"), aps.get(0).parts());
        assertEquals(List.of("libc", "malloc"), aps.get(1).parts());
        assertEquals("BEGIN", aps.get(2).provider());
    }

    @Test
    void slashEndsANonPathAttachPoint() throws Exception {
        Program p = parse("tracepoint:syscalls:sys_enter_read/pid==1/{}");
        assertEquals("tracepoint:syscalls:sys_enter_read", p.probes().getFirst().attachPoints().getFirst().text());
        assertInstanceOf(Expr.Binary.class, p.probes().getFirst().predicate());
    }

    @Test
    void slashStarInAUprobePathIsAGlobNotAComment() throws Exception {
        // bpftrace 0.17 reads uprobe:/usr/lib/*/libc.so.6:malloc as one path (it attaches); a comment
        // after the attach point is still a comment.
        Program p = parse("uprobe:/usr/lib/*/libc.so.6:malloc /* c */ { @ = count(); }");
        var ap = p.probes().getFirst().attachPoints().getFirst();
        assertEquals("uprobe:/usr/lib/*/libc.so.6:malloc", ap.text());
        assertEquals(List.of("/usr/lib/*/libc.so.6", "malloc"), ap.parts());
        assertEquals("tracepoint:syscalls:sys_enter_read",
                parse("tracepoint:syscalls:sys_enter_read/* c */{}").probes().getFirst().attachPoints().getFirst().text());
    }

    @Test
    void cPrecedence() throws Exception {
        Program p = parse("BEGIN { $x = 1 + 2 * 3 << 1 == 14 && 1 | 2 ^ 3 & 4; }");
        Stmt.Assign a = assertInstanceOf(Stmt.Assign.class, p.probes().getFirst().body().statements().getFirst());
        assertEquals("""
                Program
                 BEGIN
                  =
                   variable: $x
                   &&
                    ==
                     <<
                      +
                       int: 1
                       *
                        int: 2
                        int: 3
                      int: 1
                     int: 14
                    |
                     int: 1
                     ^
                      int: 2
                      &
                       int: 3
                       int: 4
                """, AstPrinter.print(p));
        assertEquals(BinaryOp.LAND, assertInstanceOf(Expr.Binary.class, a.value()).op());
    }

    @Test
    void statementsAndExpressions() throws Exception {
        Program p = parse("""
                BEGIN {
                  $x = (uint8)1_000; $y = 0x1F + 017 + 1e3; @m[1, "a"] = 1; @ = count();
                  @c++; --$x; $x += 2; $x <<= 1; $t = (1, "a"); print($t.0);
                  if ($x > 1) { printf("big\\n"); } else if ($x) { exit(); } else { return; }
                  unroll(3) { $x--; } while ($x < 10) { $x++; if ($x == 5) { break; } continue; }
                  $p = (struct task_struct *)curtask; $q = $p->mm->owner->pid; $r = args.filename; $s = arg0;
                  $z = sizeof(uint64) + sizeof($x) + offsetof(struct task_struct, pid);
                  $n = $1 + $#; $c = $x ? 1 : 2; $a = $arr[3]; $neg = -$x; $not = !$x; $b = ~$x; $d = *$p; $e = &$p
                }
                """);
        String dump = AstPrinter.print(p);
        assertContainsAll(dump,
                "(struct task_struct *)",
                "int: 1000",
                "map: @\n",
                "-> pid",
                "offsetof: struct task_struct, pid",
                "param: $#");
    }

    @Test
    void unsignedLiteralAboveLongMax() throws Exception {
        Program p = parse("BEGIN { $x = 0xffffffffffffffff; }");
        Stmt.Assign a = (Stmt.Assign) p.probes().getFirst().body().statements().getFirst();
        Expr.IntLit lit = (Expr.IntLit) a.value();
        assertTrue(lit.unsigned64());
        assertEquals(-1L, lit.value());
    }

    @Test
    void stringEscapesAreBytes() throws Exception {
        Program p = parse("BEGIN { printf(\"a\\x41\\101\\t\\\"é\\n\"); }");
        Expr.Call c = (Expr.Call) ((Stmt.ExprStmt) p.probes().getFirst().body().statements().getFirst()).expr();
        Expr.StrLit s = (Expr.StrLit) c.args().getFirst();
        assertEquals("aAA\t\"\u00c3\u00a9\n", s.value());
    }

    @Test
    void directivesWithCommentsNoSpaceAndCrlf() throws Exception {
        Program p = parse("#include<linux/sched.h> // tasks\r\n#include <net/sock.h> /* sockets */\r\nBEGIN { exit(); }\r\n");
        assertEquals(List.of("linux/sched.h", "net/sock.h"), p.includes().stream().map(i -> i.path()).toList());
        ProgramException e = org.junit.jupiter.api.Assertions.assertThrows(ProgramException.class,
                () -> parse("BEGIN {\r\n  $x = ;\r\n}\r\n"));
        assertEquals("stdin:2:8: error: syntax error, unexpected ';'\n  $x = ;\n       ^\n", e.getMessage());
    }

    @Test
    void preprocessorWithBtf() throws Exception {
        Program p = parse("""
                #ifndef BPFTRACE_HAVE_BTF
                #include <linux/sched.h>
                struct cfs_rq { struct load_weight load; unsigned long w; };
                #else
                #include <sys/socket.h>
                #endif
                struct nameidata { struct path path; char name[16]; int *p, q; };
                BEGIN { }
                """);
        assertEquals(1, p.includes().size());
        assertEquals("sys/socket.h", p.includes().getFirst().path());
        assertEquals(1, p.structs().size());
        assertEquals(4, p.structs().getFirst().fields().size());
        assertEquals(16, p.structs().getFirst().fields().get(1).type().arrayLength());
        assertNull(p.probes().getFirst().predicate());
    }
}
