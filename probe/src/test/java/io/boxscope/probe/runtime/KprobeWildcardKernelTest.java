package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import io.boxscope.bpf.feature.Support;
import io.boxscope.bpf.tracefs.Tracefs;
import io.boxscope.probe.lang.diag.Diagnostic;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.parse.ProgramParser;
import io.boxscope.probe.lang.sema.Analyzer;
import io.boxscope.probe.lang.sema.Attach;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.lang.sema.CheckedProgram;
import io.boxscope.probe.lang.sema.LiveKernel;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kprobe wildcards against the running system's lists (the injected-file cases are {@code KprobeWildcardTest}): the
 * names are read here with a plain split of the files, independent of the resolver. Kprobes are said to attach (this
 * kernel refuses them; what is tested is which functions a wildcard names).
 */
@KernelTest
class KprobeWildcardKernelTest {
    @TempDir
    Path dir;

    /** The function entries among kallsyms' text symbols: no __pfx_/__cfi_ padding, no .cold parts. */
    private static List<String> kallsymsFunctions() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/kallsyms"), StandardCharsets.ISO_8859_1)) {
            String[] f = line.split("[ \t]+");
            if (f.length >= 3 && f[1].length() == 1 && "tTwW".contains(f[1]) && !f[2].startsWith("__pfx_")
                    && !f[2].startsWith("__cfi_") && !f[2].contains(".cold")) {
                out.add(f[2]);
            }
        }
        return out;
    }

    /** available_filter_functions' names, when this process can read the file (some kernels refuse even root). */
    private static Optional<List<String>> filterFunctions(Path filter) {
        try {
            return Optional.of(Files.readAllLines(filter).stream().map(l -> l.split(" ")[0]).toList());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static CheckedProgram check(LiveKernel kernel, String program) throws Exception {
        SourceText src = new SourceText("stdin", program);
        return Analyzer.check(src, ProgramParser.parse(src), kernel, new CheckOptions(false, List.of()));
    }

    private static List<String> attached(CheckedProgram p, int probe) {
        return p.probes().get(probe).expansions().values().stream().flatMap(List::stream).map(Attach::name).toList();
    }

    /**
     * With no tracefs list (a tracefs directory of our own), a wildcard on a compiler-suffixed copy of a function
     * ({@code NAME.constprop.N}, {@code NAME.isra.N}, clang's {@code NAME.llvm.N}) matches the running kernel's kallsyms
     * names; a kernel without such copies is checked with {@code vfs_read*}.
     */
    @Test
    void wildcardsMatchTheRunningKernelsKallsyms() throws Exception {
        Files.createDirectories(dir.resolve("events"));
        LiveKernel kernel = new LiveKernel(Tracefs.at(dir), Path.of("/sys/kernel/btf/vmlinux"), k -> new Support.Supported(),
                Path.of("/proc"));
        List<String> names = kallsymsFunctions();
        String prefix = names.stream().filter(n -> n.indexOf('.') > 0).findFirst().map(n -> n.substring(0, n.indexOf('.') + 1))
                .orElse("vfs_read");
        TreeSet<String> want = new TreeSet<>();
        names.stream().filter(n -> n.startsWith(prefix)).forEach(n -> want.add("kprobe:" + n));
        assertTrue(!want.isEmpty(), prefix);
        assertEquals(List.copyOf(want), attached(check(kernel, "kprobe:" + prefix + "* { @ = count(); }"), 0));
    }

    /**
     * dcsnoop.bt's {@code kprobe:lookup_fast, kprobe:lookup_fast.constprop.*} on this system: the wildcard expands to
     * what the preferred list names (available_filter_functions when readable, else kallsyms), and when it names
     * nothing the wildcard is skipped with one warning saying what it was matched against.
     */
    @Test
    void dcsnoopsWildcardOnThisSystem() throws Exception {
        Path tool = Path.of("/usr/sbin/dcsnoop.bt");
        Requirements.require(Files.isRegularFile(tool), tool + " (Debian package bpftrace)");
        Tracefs tracefs = Tracefs.locate(Path.of("/sys"));
        Path filterFile = tracefs.root().resolve("available_filter_functions");
        LiveKernel kernel = new LiveKernel(tracefs, Path.of("/sys/kernel/btf/vmlinux"), k -> new Support.Supported(), Path.of("/proc"));
        CheckedProgram p = check(kernel, Files.readString(tool));
        Optional<List<String>> filter = filterFunctions(filterFile);
        List<String> listed = filter.isPresent() ? filter.get() : kallsymsFunctions();
        TreeSet<String> copies = new TreeSet<>();
        listed.stream().filter(n -> n.startsWith("lookup_fast.constprop.")).forEach(n -> copies.add("kprobe:" + n));
        List<String> want = new ArrayList<>(List.of("kprobe:lookup_fast"));
        want.addAll(copies);
        assertEquals(want, attached(p, 1));
        List<Diagnostic> warnings = p.warnings().stream().filter(w -> w.message().contains("lookup_fast.constprop")).toList();
        if (!copies.isEmpty()) {
            assertEquals(List.of(), warnings);
            return;
        }
        assertEquals(1, warnings.size(), p.warnings().toString());
        assertEquals("kprobe:lookup_fast.constprop.* matches no kernel function, so it is skipped", warnings.getFirst().message());
        String hint = warnings.getFirst().hints().getFirst();
        assertTrue(filter.isPresent() ? hint.equals("matched against " + filterFile)
                : hint.startsWith("matched against the text symbols of /proc/kallsyms (" + filterFile + " could not be read: "), hint);
    }
}
