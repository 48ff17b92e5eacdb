package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfKind;
import io.boxscope.bpf.collection.BpfCollection;
import io.boxscope.bpf.feature.AttachKind;
import io.boxscope.bpf.feature.Features;
import io.boxscope.bpf.feature.Support;
import io.boxscope.bpf.prog.AttachType;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.bpf.tracefs.Tracefs;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.codegen.ProbeCompiler;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.parse.ProgramParser;
import io.boxscope.probe.lang.sema.Analyzer;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.lang.sema.CheckedProgram;
import io.boxscope.probe.lang.sema.LiveKernel;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * kfunc/kretfunc (fentry/fexit) on the real kernel. What the generated programs look like is checked everywhere (the
 * checker told that fentry attaches, as KprobeCodegenKernelTest does for kprobes); what happens when they load is
 * decided by the running kernel's feature probe ({@code Features.attach(FENTRY)}: a do-nothing fentry program loaded
 * and attached for real), never assumed: where it attaches, a kfunc counts this thread's reads exactly; where it does
 * not, the run is refused with the feature probe's reason in one line, and loading the generated program fails too.
 */
@KernelTest
class KfuncCodegenKernelTest {
    private static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    private static CheckedProgram checkAllowingFentry(String program) throws Exception {
        LiveKernel kernel = new LiveKernel(Tracefs.locate(Path.of("/sys")), VMLINUX,
                k -> k == AttachKind.FENTRY ? new Support.Supported() : Features.attach(k));
        SourceText source = new SourceText("stdin", program);
        return Analyzer.check(source, ProgramParser.parse(source), kernel, new CheckOptions(false, List.of()));
    }

    private static CompiledScript compile(String program) throws Exception {
        return ProbeCompiler.compile(checkAllowingFentry(program), Set.of(), null, Btf.read(VMLINUX), false);
    }

    /**
     * One TRACING program a function, expected attach type FENTRY (kfunc) or FEXIT (kretfunc), attach_btf_id the
     * function's FUNC in the kernel's BTF. vfs_read is {@code ssize_t vfs_read(struct file *file, char __user *buf,
     * size_t count, loff_t *pos)} (fs/read_write.c): args.count is context slot 2 (offset 16) and fexit's return value
     * follows the four argument slots (offset 32).
     */
    @Test
    void programsAreFentryAndFexitOnTheFunctionsBtfId() throws Exception {
        Btf btf = Btf.read(VMLINUX);
        int vfsRead = btf.findId("vfs_read", BtfKind.FUNC).orElseThrow();
        int vfsWrite = btf.findId("vfs_write", BtfKind.FUNC).orElseThrow();
        CompiledScript s = compile("kfunc:vfs_read, kfunc:vfs_write { @[probe, args.count] = count(); @f[func] = count(); }"
                + " kretfunc:vfs_read { @r = hist(retval); }");
        List<ProgramSpec> ps = s.spec().programs();
        assertEquals(3, ps.size(), ps.toString());
        assertEquals(List.of(ProgramType.TRACING, ProgramType.TRACING, ProgramType.TRACING), ps.stream().map(ProgramSpec::type).toList());
        assertEquals(List.of(AttachType.TRACE_FENTRY, AttachType.TRACE_FENTRY, AttachType.TRACE_FEXIT),
                ps.stream().map(ProgramSpec::expectedAttachType).toList());
        assertEquals(List.of(vfsRead, vfsWrite, vfsRead), ps.stream().map(ProgramSpec::attachBtfId).toList());
        String asm = ProbeSession.disassembly(s);
        assertTrue(asm.contains("r0 = *(u64 *)(r6 +16)"), asm); // args.count
        assertTrue(asm.contains("r0 = *(u64 *)(r6 +32)"), asm); // retval of vfs_read
        assertTrue(asm.contains("call bpf_get_func_ip#"), asm); // func
    }

    /**
     * A struct of 9 to 16 bytes passed by value takes two context slots (the trampoline saves it whole):
     * {@code struct timespec64 inode_set_ctime_to_ts(struct inode *inode, struct timespec64 ts)} (fs/inode.c, Linux
     * 6.6+) has ts at offset 8 and fexit's return value at 24, not 16. Checked where the running kernel's BTF has the
     * function with that shape.
     */
    @Test
    void aStructPassedByValueTakesTwoSlots() throws Exception {
        Btf btf = Btf.read(VMLINUX);
        java.util.OptionalInt fn = btf.findId("inode_set_ctime_to_ts", BtfKind.FUNC);
        org.junit.jupiter.api.Assumptions.assumeTrue(fn.isPresent(), "inode_set_ctime_to_ts is not in this kernel's BTF");
        var params = btf.signature(fn.getAsInt()).params();
        assertEquals(List.of(8L, 16L), List.of(btf.sizeOf(params.get(0).typeId()), btf.sizeOf(params.get(1).typeId())));
        String asm = ProbeSession.disassembly(compile("kretfunc:inode_set_ctime_to_ts { @s = args.ts.tv_nsec; @r = (uint64)retval; }"));
        // args.ts.tv_nsec: ts's second slot, ctx + 8 (ts) + 8 (tv_nsec), read from there
        assertTrue(asm.matches("(?s).*r0 = r6\\n[^\\n]*r0 \\+= 8\\n[^\\n]*r0 \\+= 8\\n.*"), asm);
        assertTrue(asm.contains("r0 = *(u64 *)(r6 +24)"), asm); // retval after ts's two slots
    }

    /**
     * argN is refused in kfunc and kretfunc probes, as bpftrace 0.17 refuses it ({@code bpftrace -e 'kfunc:vfs_read {
     * print(arg0) }'}: "The arg0 builtin can only be used with 'kprobes', 'uprobes' and 'usdt' probes"): their
     * parameters are args.NAME. So code generation has no argN path for them.
     */
    @Test
    void argNIsRefusedInKfuncProbesAsBpftraceDoes() {
        for (String program : List.of("kfunc:vfs_read { @ = arg0; }", "kretfunc:vfs_read { @ = arg2; }")) {
            ProgramException e = assertThrows(ProgramException.class, () -> checkAllowingFentry(program), program);
            assertTrue(e.getMessage().contains("builtin can only be used with 'kprobes', 'uprobes' and 'usdt' probes"), e.getMessage());
        }
    }

    /** The running kernel decides: a kfunc counts this thread's reads, or the refusal is one line with the reason. */
    @Test
    void kfuncRunsOrIsRefusedAsTheFeatureProbeSays() throws Throwable {
        int tid = Libc.gettid();
        String program = "kfunc:vfs_read /tid == " + tid + "/ { @[args.count] = count(); }";
        if (Features.attach(AttachKind.FENTRY) instanceof Support.Unsupported u) {
            ProgramException e = assertThrows(ProgramException.class,
                    () -> Scripts.compile(new SourceText("stdin", program), Path.of("/sys"), new CheckOptions(false, List.of())));
            String refusal = e.kernelRefusal().orElseThrow(() -> new AssertionError("no one-line refusal: " + e.getMessage()));
            String errno = u.reason().contains(" — ") ? u.reason().substring(0, u.reason().indexOf(" — ")) : u.reason();
            assertTrue(refusal.startsWith("kfunc:vfs_read: the kernel refused fentry (" + errno), refusal);
            assertTrue(refusal.contains("use tracepoint:syscalls:sys_enter_read instead"), refusal);
            assertTrue(!refusal.contains("\n"), refusal);
            String kprobes = Features.attach(AttachKind.KPROBE).isSupported() ? "; or kprobe:vfs_read"
                    : "; kprobe:vfs_read is no alternative here: kprobes do not attach on this kernel either";
            assertTrue(refusal.endsWith(kprobes), refusal);
            // the generated program itself is refused by the kernel as the feature probe's was
            CompiledScript s = compile(program);
            assertThrows(BpfException.class, () -> BpfCollection.load(s.spec()).close());
            return;
        }
        int n = 20 + java.util.concurrent.ThreadLocalRandom.current().nextInt(20);
        String out = Runs.run(program, false, Duration.ofMillis(600), () -> RuntimeKernelTest.call(() -> Libc.readZero(n))).out();
        assertTrue(out.contains("\n@[1]: " + n + "\n"), out);
    }

    /**
     * {@code probe -l 'kfunc:vfs_rea*'} lists BTF functions, as {@code kfunc:vmlinux:NAME} (bpftrace 0.17's form); {@code -lv} gives vfs_read's parameters as its C prototype
     * has them (fs/read_write.c) and, for kretfunc, the return type. When available_filter_functions cannot be read
     * (this machine: EPERM as root), a notice says every BTF function is listed.
     */
    @Test
    void listingComesFromBtf() throws Exception {
        io.boxscope.probe.list.ProbeLister lister = new io.boxscope.probe.list.ProbeLister(Path.of("/sys"));
        io.boxscope.probe.list.Listing l = lister.list("kfunc:vfs_rea*", false);
        assertTrue(l.probes().stream().anyMatch(p -> p.name().equals("kfunc:vmlinux:vfs_read")), l.toString());
        assertTrue(l.probes().stream().allMatch(p -> p.name().startsWith("kfunc:vmlinux:vfs_rea")), l.toString());
        io.boxscope.probe.list.Listing v = lister.list("fexit:vfs_read", true);
        assertEquals(1, v.probes().size(), v.toString());
        assertEquals("kretfunc:vmlinux:vfs_read", v.probes().getFirst().name());
        assertEquals(List.of("struct file * file", "char * buf", "size_t count", "loff_t * pos", "ssize_t retval"),
                v.probes().getFirst().args());
        boolean readable;
        try {
            java.nio.file.Files.readAllBytes(Path.of("/sys/kernel/tracing/available_filter_functions"));
            readable = true;
        } catch (java.io.IOException e) {
            readable = false;
        }
        assertEquals(!readable, v.notices().stream().anyMatch(n -> n.contains("available_filter_functions")), v.notices().toString());
        assertEquals(Features.attach(AttachKind.FENTRY) instanceof Support.Unsupported,
                v.notices().stream().anyMatch(n -> n.startsWith("this kernel refuses fentry programs")), v.notices().toString());
    }
}
