package io.boxscope.probe.lang.sema;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import io.boxscope.probe.lang.ast.Program;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.parse.ProgramParser;
import org.junit.jupiter.api.Test;

/**
 * Random well-formed-ish programs through parser and checker: every outcome is a checked program or
 * diagnostics (each error with a span inside the source), never another exception.
 */
class SemaFuzzTest {
    static final List<String> ATOMS = List.of("pid", "comm", "nsecs", "1", "0x10", "-1", "\"s\"", "$x", "$y", "@m", "@m[1]",
            "@m[comm, 2]", "@", "args->filename", "args.flags", "curtask", "curtask->pid", "curtask->comm", "kstack",
            "ustack(3)", "probe", "retval", "arg0", "str(args->filename)", "(1, \"a\")", "$t.0", "(uint8)pid",
            "(struct task_struct *)curtask", "sizeof(uint32)", "count()", "hist(pid)", "lhist(pid, 0, 10, 1)",
            "ksym(1)", "nosuch", "foo(1)", "$1", "$#", "AF_INET", "TCP_CLOSE", "buf(comm, 4)", "ntop(2, 1)");
    static final List<String> OPS = List.of("+", "-", "*", "/", "%", "==", "!=", "<", ">", "&&", "||", "&", "|", "^", "<<", ">>");
    static final List<String> PROBES = List.of("BEGIN", "END", "tracepoint:syscalls:sys_enter_openat", "t:syscalls:sys_enter_read",
            "tracepoint:syscalls:sys_enter_open*", "kprobe:vfs_read", "kretprobe:vfs_read", "interval:s:1", "profile:hz:99",
            "rawtracepoint:sched_switch", "uprobe:/bin/bash:readline", "uretprobe:/bin/bash:readline", "software:faults:1",
            "kfunc:vfs_read", "nosuch:x");

    static final List<String> SAFE = List.of("pid", "nsecs", "1", "0x10", "-1", "curtask->pid", "cpu", "(uint8)pid",
            "sizeof(uint32)", "$1", "$#", "TCP_CLOSE", "@n", "@n + 1", "elapsed / 1000", "(int32)tid");
    static final List<String> SAFE_PROBES = List.of("BEGIN", "END", "tracepoint:syscalls:sys_enter_openat", "interval:s:1",
            "tracepoint:syscalls:sys_enter_open*", "rawtracepoint:sched_switch");

    final Random r = new Random(7);
    boolean safe;

    String pick(List<String> l) {
        return l.get(r.nextInt(l.size()));
    }

    String expr(int depth) {
        return switch (depth <= 0 ? 0 : r.nextInt(6)) {
            case 0, 1 -> pick(safe ? SAFE : ATOMS);
            case 2 -> expr(depth - 1) + " " + pick(OPS) + " " + expr(depth - 1);
            case 3 -> "(" + expr(depth - 1) + ") ? " + expr(depth - 1) + " : " + expr(depth - 1);
            case 4 -> "!" + expr(depth - 1);
            default -> safe ? "(" + expr(depth - 1) + ")" : pick(List.of("str", "printf", "print", "delete", "ksym", "sum")) + "(" + expr(depth - 1) + ")";
        };
    }

    String stmt(int depth) {
        return switch (r.nextInt(7)) {
            case 0 -> safe ? "@k[" + expr(1) + "] = " + expr(depth)
                    : pick(List.of("$x", "$y", "@m", "@m[pid]", "@")) + " " + pick(List.of("=", "+=", "=")) + " " + expr(depth);
            case 1 -> safe ? "printf(\"%d\\n\", " + expr(depth) + ")"
                    : "printf(\"" + pick(List.of("%d", "%s", "%d %s", "")) + "\\n\"" + (r.nextBoolean() ? ", " + expr(depth) : "") + ")";
            case 2 -> "if (" + expr(depth) + ") { " + stmt(depth - 1) + "; } else { " + stmt(depth - 1) + "; }";
            case 3 -> "@h = " + pick(List.of("count()", "hist(" + expr(1) + ")", "sum(" + expr(1) + ")"));
            case 4 -> "while ($x < 3) { $x++; " + (r.nextBoolean() ? "break" : "continue") + "; }";
            case 5 -> "unroll(" + r.nextInt(3) + ") { @c++; }";
            default -> expr(depth);
        };
    }

    @Test
    void neverCrashes() throws Exception {
        int ok = 0;
        for (int i = 0; i < 1500; i++) {
            StringBuilder sb = new StringBuilder();
            safe = r.nextInt(10) < 6;
            if (safe) {
                sb.append("BEGIN { @n = 1; $x = 0; }\n");
            }
            for (int p = 0; p <= r.nextInt(3); p++) {
                sb.append(pick(safe ? SAFE_PROBES : PROBES)).append(r.nextInt(4) == 0 ? " /" + expr(2) + "/" : "").append(" { ");
                if (safe) {
                    sb.append("$x = 0; ");
                }
                for (int s = 0; s <= r.nextInt(4); s++) {
                    sb.append(stmt(3)).append("; ");
                }
                sb.append("}\n");
            }
            String text = sb.toString();
            SourceText src = new SourceText("stdin", text);
            try {
                Program prog = ProgramParser.parse(src);
                CheckedProgram cp = Analyzer.check(src, prog, Fixtures.KERNEL, new CheckOptions(r.nextBoolean(), List.of("5")));
                for (var e : AnalyzerTest.exprs(cp)) {
                    if (cp.type(e) == ExprTyper.ERROR) {
                        throw new AssertionError("an error type without a diagnostic in:\n" + text);
                    }
                }
                cp.dump();
                ok++;
            } catch (ProgramException e) {
                assertFalse(e.diagnostics().isEmpty());
                e.diagnostics().forEach(d -> {
                    if (d.span().end() > text.length()) {
                        throw new AssertionError("span past the end: " + e.getMessage());
                    }
                });
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("crash on:\n" + text, e);
            }
        }
        System.out.println("fuzz: " + ok + " of 1500 random programs checked cleanly");
        assertTrue(ok > 30, "the generator makes too few valid programs to exercise the checker: " + ok);
    }
}
