package io.boxscope.probe.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.runtime.ProbeSession;
import io.boxscope.probe.runtime.Scripts;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Code generation of member access, indexing and the integer builtins, read from the generated
 * instructions: which helper reads which memory (kernel for curtask chains and their casts, user for the
 * pointers a syscall tracepoint passes), and the constants resolved at compile time. LangCorpusTest runs
 * the same constructs on the kernel against bpftrace.
 */
@KernelTest
class MemberCodegenTest {
    static String asm(String program) throws Exception {
        return asm(program, new CheckOptions(false, List.of()));
    }

    static String asm(String program, CheckOptions options) throws Exception {
        return ProbeSession.disassembly(Scripts.compile(new SourceText("stdin", program), Path.of("/sys"), options));
    }

    static long count(String text, String what) {
        return text.lines().filter(l -> l.contains(what)).count();
    }

    @Test
    void curtaskChainsReadKernelMemoryOncePerPointer() throws Exception {
        String s = asm("tracepoint:syscalls:sys_enter_write { @ = curtask->real_parent->tgid; }");
        assertEquals(1, count(s, "bpf_get_current_task"));
        assertEquals(2, count(s, "call bpf_probe_read_kernel#"), s);
        assertFalse(s.contains("probe_read_user"), s);
    }

    @Test
    void aVariableAssignedFromCurtaskStaysKernelMemoryInASyscallProbe() throws Exception {
        String s = asm("tracepoint:syscalls:sys_enter_write { $t = (struct task_struct *)curtask; @ = $t->se.on_rq; }");
        assertTrue(s.contains("call bpf_probe_read_kernel#"), s);
        assertFalse(s.contains("probe_read_user"), s);
    }

    @Test
    void syscallArgumentPointersAreUserMemory() throws Exception {
        String s = asm("tracepoint:syscalls:sys_enter_clock_nanosleep { @ = args->rqtp->tv_nsec; }");
        assertTrue(s.contains("call bpf_probe_read_user#"), s);
        String argv = asm("tracepoint:syscalls:sys_enter_execve { printf(\"%s\\n\", str(args->argv[2])); }");
        assertTrue(argv.contains("call bpf_probe_read_user#") && argv.contains("call bpf_probe_read_user_str#"), argv);
        assertTrue(argv.contains("*= 8"), argv);
    }

    @Test
    void rawTracepointArgumentsAreContextSlots() throws Exception {
        String s = asm("rawtracepoint:sched_switch { $p = (struct task_struct *)arg1; @ = $p->pid + args->next->pid; }");
        assertTrue(s.contains("r0 = *(u64 *)(r6 +8)"), s);
        assertTrue(s.contains("r0 = *(u64 *)(r6 +16)"), s);
        assertEquals(2, count(s, "call bpf_probe_read_kernel#"), s);
    }

    @Test
    void bitFieldsAreShiftedAndMasked() throws Exception {
        String s = asm("tracepoint:syscalls:sys_enter_write { @ = curtask->in_iowait; }");
        assertTrue(s.contains("&= 1"), s);
    }

    @Test
    void constantsResolvedWhenCompiling() throws Exception {
        String s = asm("BEGIN { @a = kaddr(\"vfs_read\"); @b = bswap((uint16)0x1234); @c = sizeof(struct task_struct); "
                + "@d = strncmp(comm, \"bash\", 2); $x = 1; @e = $x++; }");
        assertTrue(s.contains("be16"), s);
        String err = assertThrows(ProgramException.class,
                () -> asm("BEGIN { @a = kaddr(\"no_such_symbol_in_this_kernel\"); }")).getMessage();
        assertTrue(err.contains("Failed to resolve kernel symbol: no_such_symbol_in_this_kernel"), err);
    }

    @Test
    void joinAndSignalGenerate() throws Exception {
        String s = asm("tracepoint:syscalls:sys_enter_execve { join(args->argv); }");
        assertEquals(StmtGen.JOIN_ARGS, count(s, "call bpf_probe_read_user_str#"), s);
        String sig = asm("tracepoint:syscalls:sys_enter_kill { signal(\"KILL\"); }", new CheckOptions(true, List.of()));
        assertTrue(sig.contains("call bpf_send_signal#"), sig);
        assertThrows(ProgramException.class, () -> asm("tracepoint:syscalls:sys_enter_kill { signal(\"KILL\"); }"));
    }

    @Test
    void bufStrftimeAndSystemGenerate() throws Exception {
        String buf = asm("tracepoint:syscalls:sys_enter_write { printf(\"%r\\n\", buf(args->buf, 5)); }");
        assertTrue(buf.contains("r2 = 5") && buf.contains("call bpf_probe_read_user#"), buf);
        assertTrue(buf.contains("= 5"), buf);
        String ts = asm("BEGIN { printf(\"%s\\n\", strftime(\"%H:%M\", nsecs)); }");
        assertTrue(ts.contains("call bpf_ktime_get_ns#"), ts);
        String sys = asm("BEGIN { system(\"echo %d\", 5); }", new CheckOptions(true, List.of()));
        assertTrue(sys.contains("call bpf_ringbuf_reserve#"), sys);
        assertThrows(ProgramException.class, () -> asm("BEGIN { system(\"echo %d\", 5); }"));
        // a length known only at run time is clamped to the buffer's 64 bytes before the read, as bpftrace 0.17 does
        String varLen = asm("tracepoint:syscalls:sys_enter_write { $n = 3; printf(\"%r\\n\", buf(args->buf, $n)); }");
        assertTrue(varLen.matches("(?s).*if r2 <= 0x40 goto pc\\+1.*call bpf_probe_read_user#.*"), varLen);
    }

    @Test
    void funcReadsTheSavedInstructionPointerInUprobesAndUretprobes() throws Exception {
        io.boxscope.bpf.btf.Btf btf = io.boxscope.bpf.btf.Btf.read(Path.of("/sys/kernel/btf/vmlinux"));
        int ip = io.boxscope.bpf.btf.PtRegs.of(btf, io.boxscope.bpf.sys.Arch.current()).ip();
        for (String probe : List.of("uprobe", "uretprobe")) {
            String s = asm(probe + ":libc:write { @[func] = count(); }");
            assertTrue(s.contains("r0 = *(u64 *)(r6 +" + ip + ")"), s);
        }
    }
}
