package io.boxscope.probe.lang.sema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.bpf.feature.Support;
import io.boxscope.bpf.tracefs.Tracefs;
import io.boxscope.probe.lang.diag.Diagnostic;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.parse.ProgramParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kprobe wildcards are matched against tracefs's {@code available_filter_functions} (as bpftrace 0.17 matches them),
 * else the text symbols of {@code /proc/kallsyms}, else the kernel's BTF functions: the first two name the compiler's
 * {@code .constprop.N}/{@code .isra.N} copies that BTF lacks (dcsnoop.bt's {@code kprobe:lookup_fast.constprop.*}). A
 * wildcard that matches nothing is skipped with a warning naming what it was matched against. The lists are files
 * under injected roots (a tracefs directory, a proc root); the BTF is this machine's, kprobes are said to attach.
 */
class KprobeWildcardTest {
    @TempDir
    Path dir;

    private static final String FILTER = """
            lookup_fast.constprop.0
            vfs_read
            vfs_readv
            boxscope_mod_fn [boxscope_mod]
            __ftrace_invalid_address___64
            """;

    private static final String KALLSYMS = """
            ffffffff81000000 T _stext
            ffffffff816f0040 t __pfx_lookup_fast.constprop.0
            ffffffff816f0050 t lookup_fast.constprop.0
            ffffffff816f1000 t lookup_fast.constprop.0.cold
            ffffffff816f2000 t __cfi_vfs_read
            ffffffff816f2010 T vfs_read
            ffffffff816f3000 D lookup_fast_data
            ffffffffc0001000 t boxscope_mod_fn\t[boxscope_mod]
            """;

    private KernelInfo kernel(String filter, String kallsyms) throws Exception {
        Path tracing = Files.createDirectories(dir.resolve("tracing"));
        Files.createDirectories(tracing.resolve("events"));
        if (filter != null) {
            Files.writeString(tracing.resolve("available_filter_functions"), filter);
        }
        Path proc = Files.createDirectories(dir.resolve("proc"));
        if (kallsyms != null) {
            Files.writeString(proc.resolve("kallsyms"), kallsyms);
        }
        return new LiveKernel(Tracefs.at(tracing), Path.of("/sys/kernel/btf/vmlinux"), k -> new Support.Supported(), proc);
    }

    private static CheckedProgram check(KernelInfo kernel, String program) throws Exception {
        SourceText src = new SourceText("stdin", program);
        return Analyzer.check(src, ProgramParser.parse(src), kernel, CheckOptions.defaults());
    }

    private static List<String> attached(CheckedProgram p) {
        return p.probes().getFirst().expansions().values().stream().flatMap(List::stream).map(Attach::name).toList();
    }

    @Test
    void wildcardsMatchAvailableFilterFunctionsWhenReadable() throws Exception {
        KernelInfo k = kernel(FILTER, KALLSYMS);
        assertEquals(List.of("kprobe:lookup_fast.constprop.0"), attached(check(k, "kprobe:lookup_fast.constprop.* { @ = count(); }")));
        assertEquals(List.of("kretprobe:vfs_read", "kretprobe:vfs_readv"), attached(check(k, "kretprobe:vfs_rea* { @ = count(); }")));
        // a module's function ("name [module]" in the file), and ftrace's placeholders for unmapped call sites left out
        assertEquals(List.of("kprobe:boxscope_mod_fn"), attached(check(k, "kprobe:boxscope_mod_* { @ = count(); }")));
        CheckedProgram p = check(k, "kprobe:vfs_read, kprobe:__ftrace_invalid_address* { @ = count(); }");
        assertEquals(List.of("kprobe:vfs_read"), attached(p));
        assertEquals(List.of(new Diagnostic(Diagnostic.Severity.WARNING, p.warnings().getFirst().span(),
                        "kprobe:__ftrace_invalid_address* matches no kernel function, so it is skipped",
                        List.of("matched against " + dir.resolve("tracing/available_filter_functions")))),
                p.warnings());
        assertEquals(17, p.warnings().getFirst().span().start());
    }

    @Test
    void withoutTracefsListWildcardsMatchKallsymsFunctionEntries() throws Exception {
        KernelInfo k = kernel(null, KALLSYMS);
        // no __pfx_/__cfi_ padding, no .cold part, no data symbol
        assertEquals(List.of("kprobe:lookup_fast.constprop.0"), attached(check(k, "kprobe:*lookup_fast* { @ = count(); }")));
        assertEquals(List.of("kprobe:vfs_read"), attached(check(k, "kprobe:*vfs_read* { @ = count(); }")));
        assertEquals(List.of("kprobe:boxscope_mod_fn"), attached(check(k, "kprobe:boxscope_mod_* { @ = count(); }")));
        CheckedProgram p = check(k, "kprobe:vfs_read, kprobe:lookup_fast.isra.* { @ = count(); }");
        assertEquals(List.of("kprobe:vfs_read"), attached(p));
        assertEquals(1, p.warnings().size(), p.warnings().toString());
        assertEquals("kprobe:lookup_fast.isra.* matches no kernel function, so it is skipped", p.warnings().getFirst().message());
        String hint = p.warnings().getFirst().hints().getFirst();
        assertTrue(hint.startsWith("matched against the text symbols of " + dir.resolve("proc/kallsyms") + " ("
                + dir.resolve("tracing/available_filter_functions") + " could not be read: "), hint);
    }

    @Test
    void withNeitherListWildcardsMatchBtfFunctions() throws Exception {
        // kallsyms with every address hidden (kptr_restrict) cannot be read either
        KernelInfo k = kernel(null, "0000000000000000 t lookup_fast.constprop.0\n0000000000000000 T vfs_read\n");
        assertEquals(List.of("kprobe:vfs_read"), attached(check(k, "kprobe:vfs_read, kprobe:lookup_fast.constprop.* { @ = count(); }")));
        CheckedProgram p = check(k, "kprobe:vfs_read, kprobe:lookup_fast.constprop.* { @ = count(); }");
        String hint = p.warnings().getFirst().hints().getFirst();
        assertTrue(hint.startsWith("matched against the functions of the kernel's BTF (") && hint.contains("kptr_restrict"), hint);
        // BTF functions do match: the kernel's own names for vfs_read and its neighbours
        assertTrue(attached(check(k, "kprobe:vfs_rea* { @ = count(); }")).contains("kprobe:vfs_read"));
    }

    @Test
    void aWildcardMatchingNothingAloneIsNoProbesToAttach() throws Exception {
        KernelInfo k = kernel(FILTER, KALLSYMS);
        ProgramException e = assertThrows(ProgramException.class, () -> check(k, "kprobe:boxscope_none_* { @ = count(); }"));
        assertTrue(e.getMessage().contains("error: No probes to attach") && e.getMessage().contains("kprobe:boxscope_none_*")
                && e.getMessage().contains("warning: kprobe:boxscope_none_* matches no kernel function"), e.getMessage());
    }
}
