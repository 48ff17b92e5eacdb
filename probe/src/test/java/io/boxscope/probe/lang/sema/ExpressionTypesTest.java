package io.boxscope.probe.lang.sema;

import static io.boxscope.probe.lang.sema.Fixtures.check;
import static io.boxscope.probe.lang.sema.Fixtures.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfKind;
import io.boxscope.bpf.btf.BtfType;
import org.junit.jupiter.api.Test;

/**
 * The front end's rules for expressions, types and builtins that bpftrace 0.17 has (checked against bpftrace
 * in LangCorpusTest and DifferentialTest): copies of aggregations, a map read in its own first assignment,
 * OP= on a new map, printf conversions, BTF member chains and their diagnostics.
 */
class ExpressionTypesTest {
    @Test
    void aCountCopiedIntoAVariableKeepsItsTypeAndPrintfRefusesIt() throws Exception {
        CheckedProgram cp = check("BEGIN { @c[1] = count(); $x = @c[1]; print($x); @y = $x; @z = @c[1]; exit(); }");
        assertEquals("count", cp.maps().get("c").value().display());
        // a map assigned a copy holds a plain integer (bpftrace prints @y: 1)
        assertEquals("uint64", cp.maps().get("z").value().display());
        String e = errors("BEGIN { @c[1] = count(); $x = @c[1]; printf(\"%d\\n\", $x); }");
        assertTrue(e.contains("stdin:1:38: error: printf: %d specifier expects a value of type integer (count supplied)"), e);
        assertTrue(e.contains("\n                                     ^~~"), e);
        assertTrue(errors("BEGIN { @a[1] = avg(3); $x = @a[1]; }").contains("cannot be stored"));
    }

    @Test
    void aMapReadInItsOwnFirstAssignmentIsInt64() throws Exception {
        CheckedProgram cp = check("BEGIN { @m[1] = @m[1] + 5; @n = @n + 1; }");
        assertEquals("int64", cp.maps().get("m").value().display());
        assertEquals("int64", cp.maps().get("n").value().display());
        // another map read before any assignment is still undefined
        assertTrue(errors("BEGIN { @m = @other + 1; }").contains("Undefined map: @other"));
    }

    @Test
    void compoundAssignmentCreatesUnsignedMapsAsBpftraceDoes() throws Exception {
        CheckedProgram cp = check("BEGIN { @a -= 1; @e = -1; @e -= 1; @d--; }");
        assertEquals("uint64", cp.maps().get("a").value().display());
        assertEquals("int64", cp.maps().get("e").value().display());
        assertEquals("int64", cp.maps().get("d").value().display());
    }

    @Test
    void printfCountsOnlyTheConversionsBpftraceKnows() throws Exception {
        check("BEGIN { printf(\"%% %d %%\\n\", 1); printf(\"%i\\n\"); printf(\"100%%\\n\"); }");
        String e = errors("BEGIN { printf(\"%d %i\\n\", 1, 2); }");
        assertTrue(e.contains("printf: Too many arguments for format string (2 supplied, 1 expected)"), e);
        assertTrue(errors("BEGIN { @s[1] = sum(5); printf(\"%d\\n\", @s[1]); }")
                .contains("%d specifier expects a value of type integer (sum supplied)"));
    }

    @Test
    void btfChainsThroughCurtaskCastsArraysAndEmbeddedStructs() throws Exception {
        CheckedProgram cp = check("tracepoint:syscalls:sys_enter_write { $t = (struct task_struct *)curtask; "
                + "@[curtask->real_parent->pid, $t->se.on_rq, curtask->signal->rlim[3].rlim_cur, curtask->mm->map_count, "
                + "sizeof(struct task_struct), offsetof(struct task_struct, pid)] = count(); }");
        // map keys hold integers as 64-bit values, as bpftrace's do
        assertEquals("(int64,uint64,uint64,int64,uint64,uint64)", cp.maps().get("").key().display());
        Btf btf = Btf.read(Path.of("/sys/kernel/btf/vmlinux"));
        int id = btf.findId("task_struct", BtfKind.STRUCT).getAsInt();
        long size = ((BtfType.Struct) btf.type(id)).size();
        long pid = btf.member(id, "pid").byteOffset();
        assertTrue(AnalyzerTest.exprs(cp).stream().anyMatch(x -> x instanceof io.boxscope.probe.lang.ast.Expr.SizeofType
                && cp.constant(x) == size));
        assertTrue(AnalyzerTest.exprs(cp).stream().anyMatch(x -> x instanceof io.boxscope.probe.lang.ast.Expr.Offsetof
                && cp.constant(x) == pid));
        // raw tracepoints take arg0..argN (the u64 slots) and casts of them
        check("rawtracepoint:sched_switch { $p = (struct task_struct *)arg1; @[$p->comm, args->next->pid] = count(); }");
    }

    @Test
    void badMemberAccessPointsAtTheExpressionWithAHint() {
        String e = errors("tracepoint:syscalls:sys_enter_write {\n  @ = curtask->real_parnt->pid;\n}");
        assertTrue(e.startsWith("stdin:2:7: error: Struct/union of type 'struct task_struct' does not contain a field named 'real_parnt'"), e);
        assertTrue(e.contains("\n  @ = curtask->real_parnt->pid;\n      ^~~~~~~~~~~~~~~~~~~"), e);
        assertTrue(e.contains("hint: did you mean `real_parent`?"), e);
        String dot = errors("BEGIN { @ = curtask.pid; }");
        assertTrue(dot.contains("Try dereferencing it first, or using '->'"), dot);
        assertTrue(Files.exists(Path.of("/sys/kernel/btf/vmlinux")));
    }

    @Test
    void regTakesPtRegsMemberNamesInProbesThatSaveRegisters() throws Exception {
        CheckedProgram cp = check("uprobe:libc:write { @ = reg(\"sp\"); }");
        Btf btf = Btf.read(Path.of("/sys/kernel/btf/vmlinux"));
        long sp = btf.member(btf.findId("pt_regs", BtfKind.STRUCT).getAsInt(), "sp").byteOffset();
        assertTrue(AnalyzerTest.exprs(cp).stream().anyMatch(x -> x instanceof io.boxscope.probe.lang.ast.Expr.Call c
                && c.name().equals("reg") && cp.constant(x) == sp));
        String bad = errors("uprobe:libc:write { @ = reg(\"no_such_register\"); }");
        assertTrue(bad.contains("error: 'no_such_register' is not a valid register on this architecture ("), bad);
        assertTrue(errors("tracepoint:syscalls:sys_enter_write { @ = reg(\"sp\"); }")
                .contains("stdin:1:43: error: reg can not be used with \"tracepoint\" probes"));
    }
}
