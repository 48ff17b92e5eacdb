package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.PtRegs;
import io.boxscope.bpf.collection.BpfCollection;
import io.boxscope.bpf.sys.Arch;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.codegen.ProbeCompiler;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * The kprobe tools of bpftrace's tools directory (/usr/sbin/*.bt) past the kprobe refusal: this kernel cannot attach
 * kprobes, so {@code boxscope probe --dry-run} stops at the probe with "kprobes are not available"; here the checker is
 * told kprobes attach, and each tool is checked, compiled and loaded (the running kernel's verifier) as it would be on
 * a kernel with kprobes. Language gaps behind the refusal show up here, not on the user's kprobe-capable machine.
 */
@KernelTest
class KprobeToolsVerifierTest {
    private static final Path TOOLS = Path.of("/usr/sbin");

    /**
     * A line of a tool that starts with a kprobe or kretprobe attach point (or its short form {@code k:}/{@code kr:}),
     * after blanks: how the tools write probes. Comment lines start with {@code //}, {@code *} or {@code #}, so a tool
     * that only mentions kprobes in its comments is not one of them.
     */
    private static final java.util.regex.Pattern KPROBE_LINE = java.util.regex.Pattern.compile("(?m)^[ \\t]*(kprobe|kretprobe|k|kr):");

    /**
     * bpftrace's tools installed here that contain a kprobe probe, found by reading the files (not with our parser), so
     * the set follows what the bpftrace package installs; none (no bpftrace tools) fails as root or under CI, as the
     * other tests against bpftrace do ({@code Requirements.require}).
     */
    static List<Path> installedKprobeTools() throws java.io.IOException {
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(TOOLS)) {
            try (var files = Files.list(TOOLS)) {
                for (Path p : files.filter(f -> f.toString().endsWith(".bt")).sorted().toList()) {
                    if (KPROBE_LINE.matcher(Files.readString(p)).find()) {
                        out.add(p);
                    }
                }
            }
        }
        io.boxscope.testkit.Requirements.require(!out.isEmpty(), "bpftrace's tools with kprobe probes in " + TOOLS
                + " (Debian package bpftrace)");
        return out;
    }

    @Test
    void kprobeToolsCompileAndPassTheVerifier() throws Exception {
        Btf btf = Btf.read(Path.of("/sys/kernel/btf/vmlinux"));
        PtRegs regs = PtRegs.of(btf, Arch.current());
        List<String> failures = new ArrayList<>();
        for (Path p : installedKprobeTools()) {
            String text = Files.readString(p);
            try {
                CompiledScript script = ProbeCompiler.compile(KprobeCodegenKernelTest.checkAllowingKprobes(text), Set.of(), regs, btf, false);
                try (BpfCollection c = BpfCollection.load(script.spec())) {
                    assertEquals(script.spec().programs().size(), c.programs().size(), p.toString());
                }
            } catch (Exception | AssertionError e) {
                failures.add(p.getFileName() + ": " + e.getMessage());
            }
        }
        assertEquals(List.of(), failures, String.join("\n", failures));
    }

    /**
     * A kprobe wildcard that matches no function is skipped, as bpftrace 0.17 skips it (dcsnoop.bt names
     * {@code lookup_fast.constprop.*} beside {@code lookup_fast}): the other attach point stays; alone it is "No probes to
     * attach", naming the wildcard.
     */
    @Test
    void aKprobeWildcardWithoutMatchesIsSkipped() throws Exception {
        var checked = KprobeCodegenKernelTest.checkAllowingKprobes(
                "kprobe:vfs_read, kprobe:vfs_read.boxscope_no_such.* { @ = count(); }");
        assertEquals(List.of("kprobe:vfs_read"), checked.probes().getFirst().expansions().values().stream()
                .flatMap(List::stream).map(a -> a.name()).toList());
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.boxscope.probe.lang.diag.ProgramException.class,
                () -> KprobeCodegenKernelTest.checkAllowingKprobes("kprobe:boxscope_no_such_fn_* { @ = count(); }"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("error: No probes to attach")
                && e.getMessage().contains("kprobe:boxscope_no_such_fn_*"), e.getMessage());
    }
}
