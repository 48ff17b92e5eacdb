package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.PtRegs;
import io.boxscope.bpf.collection.BpfCollection;
import io.boxscope.bpf.feature.AttachKind;
import io.boxscope.bpf.feature.Features;
import io.boxscope.bpf.feature.Support;
import io.boxscope.bpf.sys.Arch;
import io.boxscope.bpf.tracefs.Tracefs;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.codegen.ProbeCompiler;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.parse.ProgramParser;
import io.boxscope.probe.lang.sema.Analyzer;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.lang.sema.CheckedProgram;
import io.boxscope.probe.lang.sema.LiveKernel;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * kprobe and kretprobe bodies on the real kernel. Loading a KPROBE-type program (the verifier) works wherever uprobes
 * do, also on kernels that refuse to attach kprobes (no kprobe PMU, lockdown), so the generated code is checked by
 * the running kernel's verifier everywhere; whether the probes then attach and print is decided by the feature
 * probe, which attaches for real (never the kernel version).
 */
@KernelTest
class KprobeCodegenKernelTest {
    private static final Duration RUN = Duration.ofSeconds(5);

    /**
     * kprobe bodies reading arguments and the return value from {@code struct pt_regs} (offsets from BTF), casts
     * to kernel structs, {@code func}, kernel stacks, and a struct in scratch space.
     */
    static final List<String> BODIES = List.of(
            "kprobe:do_sys_openat2 { @[comm, (int32)arg0] = count(); @f[func] = count(); printf(\"%d %d\\n\", arg1, arg3); }",
            "kprobe:do_sys_openat2 { $h = (struct open_how *)arg2; @flags = hist($h->flags); @k[kstack] = count(); }",
            "kretprobe:do_sys_openat2 { @ret = stats(retval); @f[func] = count(); if (retval < 0) { printf(\"%d\\n\", retval); } }",
            "kprobe:vfs_read { $f = (struct file *)arg0; @s[str($f->f_path.dentry->d_name.name)] = sum(arg2); "
                    + "$t = *curtask; printf(\"%d %s\\n\", $t.pid, $t.comm); }",
            "kprobe:vfs_read,kprobe:vfs_write { @[probe] = count(); }");

    /** This kernel, except that the checker is told kprobes attach: what it refuses then reaches code generation. */
    static CheckedProgram checkAllowingKprobes(String program) throws Exception {
        LiveKernel kernel = new LiveKernel(Tracefs.locate(Path.of("/sys")), Path.of("/sys/kernel/btf/vmlinux"),
                k -> k == AttachKind.KPROBE ? new Support.Supported() : Features.attach(k));
        SourceText source = new SourceText("stdin", program);
        return Analyzer.check(source, ProgramParser.parse(source), kernel, new CheckOptions(false, List.of()));
    }

    @Test
    void kprobeBodiesPassTheVerifier() throws Exception {
        Btf btf = Btf.read(Path.of("/sys/kernel/btf/vmlinux"));
        PtRegs regs = PtRegs.of(btf, Arch.current());
        for (String body : BODIES) {
            CompiledScript script = ProbeCompiler.compile(checkAllowingKprobes(body), Set.of(), regs, btf, false);
            // the verifier's refusal is a VerifierException with its log: it fails the test with that log
            try (BpfCollection c = BpfCollection.load(script.spec())) {
                assertEquals(script.spec().programs().size(), c.programs().size(), body);
            }
        }
    }

    /**
     * Where kprobes attach, one runs on this thread's openat(2) and prints the directory fd (AT_FDCWD, -100, for a
     * relative path's open through libc) and the kretprobe the fd returned (not negative: the file exists); where they
     * do not, the program is refused with the one-line error naming the missing feature, the tracepoint to use
     * instead, and the feature probe's reason.
     */
    @Test
    void kprobesRunWhereTheKernelAttachesThem() throws Throwable {
        String program = "kprobe:do_sys_openat2 /tid == %d/ { printf(\"dfd %%d\\n\", (int32)arg0); } "
                + "kretprobe:do_sys_openat2 /tid == %d/ { printf(\"ret %%d\\n\", retval >= 0); exit(); }";
        if (Features.attach(AttachKind.KPROBE) instanceof Support.Unsupported u) {
            String p = "kprobe:do_sys_openat2 { @ = count(); }";
            assertEquals("stdin:1:1: error: kprobes are not available on this kernel\n" + p + "\n^"
                    + "~".repeat("kprobe:do_sys_openat2".length() - 1) + "\nhint: use tracepoint:syscalls:sys_enter_openat2 instead"
                    + "\nhint: why: " + u.reason().substring(u.reason().indexOf(": ") + 2) + "\n", ProbeTypesKernelTest.compileError(p));
            return;
        }
        Path file = Files.createTempFile("kprobe", ".txt");
        try {
            int tid = Libc.gettid();
            Path relative = Path.of("").toAbsolutePath().relativize(file);
            String out = Runs.run(program.formatted(tid, tid), false, RUN, () -> RuntimeKernelTest.call(() -> Files.readAllBytes(relative))).out();
            assertTrue(out.contains("\ndfd -100\n"), out);
            assertTrue(out.contains("\nret 1\n"), out);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
