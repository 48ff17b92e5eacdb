package io.boxscope.probe.lang.sema;

import static io.boxscope.probe.lang.sema.Fixtures.check;
import static io.boxscope.probe.lang.sema.Fixtures.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfKind;
import io.boxscope.bpf.tracefs.EventFormatParser;
import io.boxscope.bpf.tracefs.EventField;
import io.boxscope.probe.lang.ast.Block;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.ast.Stmt;
import io.boxscope.probe.lang.parse.ParserTest;
import org.junit.jupiter.api.Test;

/** The semantic pass on the lab's programs and on each rule, against captured tracefs formats and this machine's BTF. */
class AnalyzerTest {
    static List<Expr> exprs(CheckedProgram cp) {
        List<Expr> out = new ArrayList<>();
        for (var p : cp.program().probes()) {
            if (p.predicate() != null) {
                walk(p.predicate(), out);
            }
            block(p.body(), out);
        }
        return out;
    }

    static void block(Block b, List<Expr> out) {
        for (Stmt s : b.statements()) {
            switch (s) {
                case Stmt.ExprStmt e -> walk(e.expr(), out);
                case Stmt.Assign a -> {
                    walk(a.target(), out);
                    walk(a.value(), out);
                }
                case Stmt.If i -> {
                    walk(i.condition(), out);
                    block(i.then(), out);
                    if (i.orElse() != null) {
                        block(i.orElse(), out);
                    }
                }
                case Stmt.Unroll u -> {
                    walk(u.count(), out);
                    block(u.body(), out);
                }
                case Stmt.While w -> {
                    walk(w.condition(), out);
                    block(w.body(), out);
                }
                case Stmt.Return r -> { }
                case Stmt.Break r -> { }
                case Stmt.Continue r -> { }
            }
        }
    }

    static void walk(Expr e, List<Expr> out) {
        out.add(e);
        switch (e) {
            case Expr.MapRef m -> m.keys().forEach(k -> walk(k, out));
            case Expr.Call c -> c.args().forEach(a -> walk(a, out));
            case Expr.Binary b -> {
                walk(b.left(), out);
                walk(b.right(), out);
            }
            case Expr.Unary u -> walk(u.operand(), out);
            case Expr.IncDec i -> walk(i.target(), out);
            case Expr.Ternary t -> {
                walk(t.condition(), out);
                walk(t.then(), out);
                walk(t.orElse(), out);
            }
            case Expr.Field f -> walk(f.base(), out);
            case Expr.Index i -> {
                walk(i.base(), out);
                walk(i.index(), out);
            }
            case Expr.Cast c -> walk(c.operand(), out);
            case Expr.SizeofExpr s -> walk(s.operand(), out);
            case Expr.Tuple t -> t.elements().forEach(x -> walk(x, out));
            default -> { }
        }
    }

    static String typeOf(CheckedProgram cp, String display) {
        for (Expr e : exprs(cp)) {
            String label = switch (e) {
                case Expr.Builtin b -> b.name();
                case Expr.MapRef m -> m.display();
                case Expr.Variable v -> "$" + v.name();
                case Expr.Call c -> c.name() + "()";
                case Expr.Field f -> (f.arrow() ? "->" : ".") + f.field();
                default -> null;
            };
            if (display.equals(label)) {
                return cp.type(e).display();
            }
        }
        throw new AssertionError("no " + display);
    }

    @Test
    void labProgramsCheckAndEveryExpressionHasAType() throws Exception {
        for (String p : ParserTest.LAB) {
            CheckedProgram cp = check(p);
            for (Expr e : exprs(cp)) {
                assertNotNull(cp.type(e), e.toString());
            }
        }
    }

    @Test
    void wildcardExpandsAgainstTheEventList() throws Exception {
        long expected = Files.readAllLines(Fixtures.tracing().resolve("available_events")).stream()
                .filter(l -> l.startsWith("syscalls:sys_enter_")).count();
        CheckedProgram cp = check("tracepoint:syscalls:sys_enter_* { @[probe] = count(); }");
        assertEquals(expected, cp.probes().getFirst().attaches().size());
        assertTrue(cp.probes().getFirst().attaches().stream().allMatch(a -> a.name().startsWith("tracepoint:syscalls:sys_enter_")));
        MapInfo m = cp.maps().get("");
        assertEquals("probe", m.key().display());
        assertEquals("count", m.value().display());
        CheckedProgram alias = check("t:sched:sched_swi* { @ = count(); }");
        assertEquals(List.of("tracepoint:sched:sched_switch"), alias.probes().getFirst().attaches().stream().map(Attach::name).toList());
    }

    @Test
    void builtinAndArgTypes() throws Exception {
        CheckedProgram cp = check("tracepoint:syscalls:sys_enter_execve { printf(\"%s ran %s %d\\n\", comm, str(args->filename), pid); }");
        assertEquals("string[16]", typeOf(cp, "comm"));
        assertEquals("uint64", typeOf(cp, "pid"));
        assertEquals("string[64]", typeOf(cp, "str()"));
        assertEquals("int8 *", typeOf(cp, "->filename"));
        assertEquals("struct _tracepoint_syscalls_sys_enter_execve *", typeOf(cp, "args"));
    }

    @Test
    void argsDotAndArrowAreTheSameField() throws Exception {
        CheckedProgram a = check("tracepoint:syscalls:sys_enter_openat { @[str(args->filename)] = count(); @f = args->flags; }");
        CheckedProgram b = check("tracepoint:syscalls:sys_enter_openat { @[str(args.filename)] = count(); @f = args.flags; }");
        assertEquals(typeOf(a, "->flags"), typeOf(b, ".flags"));
        EventField flags = EventFormatParser.parse(Files.readString(Fixtures.tracing()
                .resolve("events/syscalls/sys_enter_openat/format"))).field("flags").orElseThrow();
        Expr.Field f = (Expr.Field) exprs(b).stream().filter(e -> e instanceof Expr.Field x && x.field().equals("flags")).findFirst().orElseThrow();
        assertEquals(flags.offset(), b.field(f).offset());
        // the format says "int flags; size:8; signed:0"; bpftrace types it by its C type, widened: int64
        assertEquals("int", flags.type());
        assertEquals(new SType.Int(8, true), b.type(f));
    }

    @Test
    void argsOffsetsPerAttachPointWhenTheyDiffer() throws Exception {
        CheckedProgram cp = check("tracepoint:syscalls:sys_enter_open, tracepoint:syscalls:sys_enter_openat { @[str(args->filename)] = count(); }");
        Expr.Field f = (Expr.Field) exprs(cp).stream().filter(e -> e instanceof Expr.Field).findFirst().orElseThrow();
        List<Attach> at = cp.probes().getFirst().attaches();
        assertEquals(2, at.size());
        for (Attach a : at) {
            EventField want = EventFormatParser.parse(Files.readString(Fixtures.tracing().resolve("events/syscalls/"
                    + a.target().get(1) + "/format"))).field("filename").orElseThrow();
            assertEquals(want.offset(), cp.field(f, a).offset(), a.name());
        }
    }

    @Test
    void structsComeFromBtf() throws Exception {
        Btf btf = Fixtures.KERNEL.btf().orElseThrow();
        int task = btf.requireId("task_struct", BtfKind.STRUCT);
        CheckedProgram cp = check("BEGIN { $t = (struct task_struct *)curtask; @p = $t->pid; @c = curtask->comm; @m = curtask->mm; }");
        Expr.Field pid = (Expr.Field) exprs(cp).stream().filter(e -> e instanceof Expr.Field x && x.field().equals("pid")).findFirst().orElseThrow();
        assertEquals(btf.member(task, "pid").byteOffset(), cp.field(pid).offset());
        assertEquals("int32", cp.type(pid).display());
        assertEquals("string[16]", typeOf(cp, "->comm"));
        assertEquals("struct mm_struct *", typeOf(cp, "->mm"));
        assertEquals("struct task_struct *", typeOf(cp, "$t"));
    }

    @Test
    void sizeofAndOffsetofValuesForCodegen() throws Exception {
        Btf btf = Fixtures.KERNEL.btf().orElseThrow();
        int task = btf.requireId("task_struct", BtfKind.STRUCT);
        CheckedProgram cp = check("BEGIN { @a = sizeof(struct task_struct); @b = offsetof(struct task_struct, pid); "
                + "@c = sizeof(uint16); @d = sizeof(comm); }");
        List<Long> values = exprs(cp).stream().filter(e -> e instanceof Expr.SizeofType || e instanceof Expr.Offsetof
                || e instanceof Expr.SizeofExpr).map(cp::constant).toList();
        assertEquals(List.of(btf.sizeOf(task), btf.member(task, "pid").byteOffset(), 2L, 16L), values);
    }

    @Test
    void rawTracepointArgsAreTypedFromBtf() throws Exception {
        CheckedProgram cp = check("rawtracepoint:sched_switch { @[args->next->comm] = count(); }");
        assertEquals("struct task_struct *", typeOf(cp, "->next"));
        assertEquals("string[16]", typeOf(cp, "->comm"));
    }

    @Test
    void enumeratorsAndHeaderConstants() throws Exception {
        CheckedProgram cp = check("#include <sys/socket.h>\nBEGIN { @a = AF_INET6; @b = TCP_CLOSE; }");
        Expr.Identifier af = (Expr.Identifier) exprs(cp).stream().filter(e -> e instanceof Expr.Identifier).findFirst().orElseThrow();
        assertEquals(10, cp.constant(af));
        assertTrue(errors("BEGIN { @a = AF_INET; }").contains("hint: it comes from <sys/socket.h>"));
    }

    @Test
    void mapTypesAcrossProbes() throws Exception {
        assertEquals("""
                stdin:1:25: error: Type mismatch for @x: trying to assign value of type 'string[2]' when map already contains a value of type 'int64'
                BEGIN { @x = 1; } END { @x = "a"; }
                                        ^~
                """, errors("BEGIN { @x = 1; } END { @x = \"a\"; }"));
        assertTrue(errors("BEGIN { @x[comm] = count(); @x[pid] = count(); }").contains(
                "Argument mismatch for @x: trying to access with arguments: [uint64] when map expects arguments: [string[16]]"));
        assertTrue(errors("BEGIN { @ = count(); @ = sum(2); }").contains(
                "Type mismatch for @: trying to assign value of type 'sum' when map already contains a value of type 'count'"));
        CheckedProgram later = check("END { print(@x); } BEGIN { @x[1, \"a\"] = 2; }");
        assertEquals("(int64,string[2])", later.maps().get("x").key().display());
        assertTrue(errors("BEGIN { print(@nomap); }").contains("Undefined map: @nomap"));
        CheckedProgram lh = check("BEGIN { @l = lhist(5, 0, 100, 10); }");
        assertEquals(List.of(0L, 100L, 10L), lh.maps().get("l").aggArgs());
    }

    @Test
    void variablesAreProbeScoped() throws Exception {
        assertTrue(errors("BEGIN { $x = 1; } END { print($x); }").contains("Undefined or undeclared variable: $x"));
        assertTrue(errors("BEGIN { $x = 1; $x = \"s\"; }").contains(
                "Type mismatch for $x: trying to assign value of type 'string[2]' when variable already contains a value of type 'int64'"));
        CheckedProgram cp = check("BEGIN { if (1) { $y = 1; } print($y); $s = comm; $s = \"a\"; }");
        assertEquals("int64", cp.probes().getFirst().variables().get("y").display());
        assertEquals("string[16]", cp.probes().getFirst().variables().get("s").display());
    }

    @Test
    void functionsAsBpftraceChecksThem() {
        assertTrue(errors("BEGIN { printf(\"%d %s\\n\", \"a\"); }").contains(
                "printf: Not enough arguments for format string (1 supplied, 2 expected)"));
        assertTrue(errors("BEGIN { printf(\"%s\\n\", 1); }").contains(
                "printf: %s specifier expects a value of type string (integer supplied)"));
        assertTrue(errors("BEGIN { printf(1); }").contains("printf() expects a string literal (integer provided)"));
        assertTrue(errors("BEGIN { @x = hist(1, 2, 3); }").contains("hist() requires one argument (3 provided)"));
        assertTrue(errors("BEGIN { $x = count(); }").contains("count() should be directly assigned to a map"));
        assertTrue(errors("BEGIN { system(\"ls\"); }").contains("system() is an unsafe function being used in safe mode"));
        assertTrue(errors("BEGIN { foo(1); }").contains("Unknown function: foo"));
        assertTrue(errors("BEGIN { prnitf(\"x\"); }").contains("did you mean `printf`?"));
        assertTrue(errors("BEGIN { exit(1); }").contains("exit() requires no arguments (1 provided)"));
        assertTrue(errors("BEGIN { delete(1); }").contains("delete() expects a map to be provided"));
        assertTrue(errors("BEGIN { @x = sum(\"a\"); }").contains("sum() only supports integer arguments (string provided)"));
    }

    /** signal() names as bpftrace 0.17 takes them (checked with it): any case, with or without SIG; digits in a string are not a name. */
    @Test
    void signalNamesAsBpftraceTakesThem() throws Exception {
        CheckOptions unsafe = new CheckOptions(true, List.of());
        for (String ok : List.of("KILL", "kill", "SIGKILL", "SIGusr1", "TERM")) {
            check("tracepoint:syscalls:sys_enter_getppid { signal(\"" + ok + "\"); }", unsafe);
        }
        for (String bad : List.of("FOO", "9", "", "SIGRTMIN")) {
            String e = errors("tracepoint:syscalls:sys_enter_getppid { signal(\"" + bad + "\"); }", unsafe);
            assertTrue(e.contains("error: " + bad + " is not a valid signal\n"), e);
        }
    }

    @Test
    void unsafeAllowsSystem() throws Exception {
        check("BEGIN { system(\"echo %d\", pid); }", new CheckOptions(true, List.of()));
    }

    @Test
    void stacksAndSpecials() throws Exception {
        CheckedProgram cp = check("profile:hz:99 { @[kstack(perf, 5), ustack, comm] = count(); }");
        SType.Tuple key = assertInstanceOf(SType.Tuple.class, cp.maps().get("").key());
        assertEquals(new SType.Stack(false, StackMode.PERF, 5), key.elements().get(0));
        assertEquals(new SType.Stack(true, StackMode.BPFTRACE, 127), key.elements().get(1));
    }

    @Test
    void probeResolutionErrorsWithHints() {
        String e = errors("tracepoint:syscalls:sys_enter_opnat { @ = count(); }");
        assertTrue(e.startsWith("stdin:1:1: error: tracepoint not found: syscalls:sys_enter_opnat\n"), e);
        assertTrue(e.contains("hint: did you mean `sys_enter_openat`?"), e);
        String k = errors("kprobe:do_sys_openat2 { @ = count(); }");
        assertTrue(k.contains("error: kprobes are not available on this kernel"), k);
        assertTrue(k.contains("hint: use tracepoint:syscalls:sys_enter_openat2 instead"), k);
        assertTrue(errors("kretprobe:vfs_read { @ = count(); }").contains("hint: use tracepoint:syscalls:sys_exit_read instead"));
        assertTrue(errors("kfunc:do_nanosleep { @ = count(); }").contains("kfunc/fentry probes are not available on this kernel"));
        assertTrue(errors("interval:x:1 { }").contains("x is not an accepted unit of time"));
        assertTrue(errors("foo:bar { }").contains("Invalid probe type: foo"));
        assertTrue(errors("tracepoint:nosuch:* { }").contains("tracepoints not found: nosuch:*"));
        assertTrue(errors("software:cpu-clok:1 { }").contains("did you mean `cpu-clock`?"));
    }

    @Test
    void builtinsOnlyWhereTheyExist() {
        assertTrue(errors("BEGIN { $x = retval; }").contains(
                "The retval builtin can only be used with 'kretprobe' and 'uretprobe' and 'kfunc' probes"));
        assertTrue(errors("tracepoint:syscalls:sys_enter_read { $x = arg0; }").contains(
                "The arg0 builtin can only be used with 'kprobes', 'uprobes' and 'usdt' probes"));
        assertTrue(errors("tracepoint:syscalls:sys_enter_read { print(args->nosuch); }").contains(
                "Struct/union of type 'struct _tracepoint_syscalls_sys_enter_read' does not contain a field named 'nosuch'"));
    }

    @Test
    void statements() {
        assertTrue(errors("BEGIN { unroll(200) { } }").contains("unroll maximum value is 100"));
        assertTrue(errors("BEGIN { break; }").contains("break used outside of a loop"));
        assertTrue(errors("BEGIN { @x = 1 + \"a\"; }").contains("Type mismatch for '+': comparing 'int64' with 'string[2]'"));
        assertTrue(errors("BEGIN { $x = (struct nosuch *)0; }").contains("Unknown struct/union: 'struct nosuch'"));
    }

    /** Not being allowed to read tracefs is missing privilege (exit 3 in the CLI), not a program error. */
    @Test
    void unreadableTracefsIsAccessDenied() {
        KernelInfo k = Fixtures.KERNEL;
        KernelInfo denied = new KernelInfo() {
            @Override
            public List<io.boxscope.bpf.tracefs.TracepointId> tracepoints() throws java.io.IOException {
                throw new java.nio.file.AccessDeniedException("/sys/kernel/tracing", null, "tracefs is readable by root only");
            }

            @Override
            public io.boxscope.bpf.tracefs.EventFormat format(io.boxscope.bpf.tracefs.TracepointId tp) throws java.io.IOException {
                return k.format(tp);
            }

            @Override
            public java.util.Optional<Btf> btf() throws java.io.IOException {
                return k.btf();
            }

            @Override
            public io.boxscope.bpf.feature.Support attach(io.boxscope.bpf.feature.AttachKind kind) {
                return k.attach(kind);
            }

            @Override
            public java.nio.file.Path uprobeTarget(String target) throws java.io.IOException {
                return k.uprobeTarget(target);
            }

            @Override
            public List<String> functions(java.nio.file.Path elf) throws java.io.IOException {
                return k.functions(elf);
            }
        };
        var src = new io.boxscope.probe.lang.diag.SourceText("stdin", "tracepoint:sched:sched_switch { @ = count(); }");
        org.junit.jupiter.api.Assertions.assertThrows(java.nio.file.AccessDeniedException.class, () ->
                Analyzer.check(src, io.boxscope.probe.lang.parse.ProgramParser.parse(src), denied, CheckOptions.defaults()));
    }

    @Test
    void uprobeOnLibraryName() throws Exception {
        CheckedProgram cp = check("u:libc:malloc { @[retval] = count(); }".replace("retval", "arg0"));
        Attach a = cp.probes().getFirst().attaches().getFirst();
        assertEquals("malloc", a.target().get(1));
        assertTrue(a.target().get(0).contains("libc"), a.name());
        CheckedProgram w = check("uprobe:libc:mallo* { @[probe] = count(); }");
        assertTrue(w.probes().getFirst().attaches().stream().anyMatch(x -> x.name().endsWith(":malloc")));
    }
    @Test
    void uprobeWithWildcardsInThePathAttachesToEveryMatchingFile() throws Exception {
        Path root = Files.createTempDirectory("bxs-uglob");
        Path libc = io.boxscope.testkit.SystemLibs.libc();
        try {
            for (String d : List.of("x1", "x2")) {
                Files.createDirectories(root.resolve(d));
                Files.copy(libc, root.resolve(d).resolve("libc.so.6"));
            }
            CheckedProgram cp = check("uprobe:" + root + "/x*/libc.so.6:malloc { @[probe] = count(); }");
            assertEquals(List.of("uprobe:" + root + "/x1/libc.so.6:malloc", "uprobe:" + root + "/x2/libc.so.6:malloc"),
                    cp.probes().getFirst().attaches().stream().map(Attach::name).toList());
            assertTrue(errors("uprobe:" + root + "/y*/libc.so.6:malloc { }").contains("no file matches the uprobe target"));
        } finally {
            for (String d : List.of("x1", "x2")) {
                Files.deleteIfExists(root.resolve(d).resolve("libc.so.6"));
                Files.deleteIfExists(root.resolve(d));
            }
            Files.deleteIfExists(root);
        }
    }
}
