package io.boxscope.probe.lang.sema;

import static io.boxscope.probe.lang.sema.Fixtures.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfKind;
import io.boxscope.probe.lang.ast.Expr;
import org.junit.jupiter.api.Test;

/**
 * Whole structs as values (print, variables, map values): bit-fields, unions, unnamed members, arrays of structs
 * and structs of any size are typed with every member listed. The expected layouts are the kernel's ABI
 * (include/uapi/linux/perf_event.h: {@code struct perf_event_attr}), not what the code under test computes.
 */
class StructValuesTest {
    /** The value type of the first expression typed as the struct {@code name}. */
    static SType.Record value(CheckedProgram cp, String name) {
        for (Expr e : AnalyzerTest.exprs(cp)) {
            if (cp.type(e) instanceof SType.Record r && r.name().equals(name) && !r.fields().isEmpty()) {
                return r;
            }
        }
        throw new AssertionError("no value of type " + name);
    }

    static SType.RecordField field(SType.Record r, String name) {
        return r.fields().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(r.name() + " has no field " + name + ": " + r.fields()));
    }

    @Test
    void bitFieldsKeepTheirBitPositionAndUnnamedUnionsAreFlattened() throws Exception {
        SType.Record r = value(check("BEGIN { print(*(struct perf_event_attr *)0); }"), "struct perf_event_attr");
        // __u32 type; __u32 size; __u64 config; union { __u64 sample_period; __u64 sample_freq; }; ...
        assertEquals(List.of("type", "size", "config", "sample_period", "sample_freq"),
                r.fields().subList(0, 5).stream().map(SType.RecordField::name).toList());
        assertEquals(16, field(r, "sample_period").offset());
        assertEquals(16, field(r, "sample_freq").offset());
        // __u64 disabled : 1, inherit : 1, pinned : 1, exclusive : 1, exclude_user : 1, exclude_kernel : 1, ... at byte 40
        SType.RecordField disabled = field(r, "disabled");
        assertEquals(FieldAccess.Layout.BITFIELD, disabled.layout());
        assertEquals(40, disabled.offset());
        assertEquals(0, disabled.bitShift());
        assertEquals(1, disabled.bitSize());
        assertEquals(SType.Int.U64, disabled.type());
        SType.RecordField kernel = field(r, "exclude_kernel");
        assertEquals(40, kernel.offset());
        assertEquals(5, kernel.bitShift());
        // precise_ip : 2 is bits 15-16; exclude_guest bit 20: byte 42, bit 4
        SType.RecordField precise = field(r, "precise_ip");
        assertEquals(41, precise.offset());
        assertEquals(7, precise.bitShift());
        assertEquals(2, precise.bitSize());
        SType.RecordField guest = field(r, "exclude_guest");
        assertEquals(42, guest.offset());
        assertEquals(4, guest.bitShift());
    }

    @Test
    void unionsListEveryMemberAtOffsetZero() throws Exception {
        SType.Record r = value(check("BEGIN { $v = *(union sigval *)0; print($v); }"), "union sigval");
        assertEquals(List.of("sival_int", "sival_ptr"), r.fields().stream().map(SType.RecordField::name).toList());
        assertEquals(0, field(r, "sival_ptr").offset());
        assertEquals(SType.Int.I64, field(r, "sival_ptr").type()); // pointers print as signed numbers, as bpftrace 0.17
        assertEquals(new SType.Int(4, true), field(r, "sival_int").type());
    }

    @Test
    void arraysOfStructsAreValues() throws Exception {
        Btf btf = Fixtures.KERNEL.btf().orElseThrow();
        int id = btf.requireId("sighand_struct", BtfKind.STRUCT);
        SType.Record r = value(check("BEGIN { print(*curtask->sighand); }"), "struct sighand_struct");
        SType.RecordField action = field(r, "action");
        assertEquals(btf.member(id, "action").byteOffset(), action.offset());
        SType.Array arr = assertInstanceOf(SType.Array.class, action.type());
        SType.Record k = assertInstanceOf(SType.Record.class, arr.element());
        assertEquals("struct k_sigaction", k.name());
        assertTrue(!k.fields().isEmpty() && field(k, "sa").type() instanceof SType.Record sa
                && sa.fields().stream().anyMatch(f -> f.name().equals("sa_flags")), k.toString());
    }

    @Test
    void structsOfAnySizeAreTypedAsValues() throws Exception {
        Btf btf = Fixtures.KERNEL.btf().orElseThrow();
        int task = btf.requireId("task_struct", BtfKind.STRUCT);
        CheckedProgram cp = check("BEGIN { print(*curtask); $s = curtask->se; print($s); }");
        SType.Record t = value(cp, "struct task_struct");
        assertTrue(t.size() > 256, "task_struct is " + t.size() + " bytes");
        assertEquals(btf.member(task, "pid").byteOffset(), field(t, "pid").offset());
        assertEquals(new SType.Str(16), field(t, "comm").type());
        assertEquals("struct sched_entity", typeOfVariable(cp, "s"));
    }

    private static String typeOfVariable(CheckedProgram cp, String name) {
        return AnalyzerTest.exprs(cp).stream().filter(e -> e instanceof Expr.Variable v && v.name().equals(name))
                .map(e -> cp.type(e).display()).findFirst().orElseThrow();
    }
}
