package io.boxscope.diagnose.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.proc.HostPaths;
import io.boxscope.testkit.Kallsyms;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * serve exports the kernel addresses its collectors could not name as {@code boxscope_kernel_symbols_missing}, a gauge
 * per collector with the reason as a label (escaped as the text exposition format escapes label values: backslash,
 * double quote and line feed as {@code \\}, {@code \"}, {@code \n}); none when nothing is missing. The collectors
 * themselves, loaded with a proc root whose kallsyms shows every address as 0 (testkit's Kallsyms), keep no kernel
 * address in the maps a scrape reads (counts and histograms by cgroup, syscall, errno and disk): nothing is missing,
 * and no such series is made. A collector that kept kernel stacks would be counted by the same session counter
 * profile, offcputime and diagnose use.
 */
class KernelSymbolsSeriesTest {
    @TempDir
    Path tmp;

    static String scrape(KernelMaps.Collector c) throws Exception {
        Families f = new Families();
        new EbpfSeries(SyscallTable.current(), d -> "x").add(f, new KernelMaps.Reading(List.of(c), Map.of()), List.of());
        return ContainerCollectorTest.exposition(f.build());
    }

    @Test
    void missingKernelSymbolsAreAGaugeWithTheReasonEscaped() throws Exception {
        String reason = "kernel symbols could not be read: /h/\"x\"\\kallsyms shows every address as 0\nkptr_restrict";
        String t = scrape(new KernelMaps.Collector("runqlat", Optional.empty(), 0, 0, 0, Optional.of(new KernelSymbolsMissing(12, reason))));
        assertTrue(t.contains("# TYPE boxscope_kernel_symbols_missing gauge\n"), t);
        assertTrue(t.contains("boxscope_kernel_symbols_missing{collector=\"runqlat\",reason=\"kernel symbols could not be read:"
                + " /h/\\\"x\\\"\\\\kallsyms shows every address as 0\\nkptr_restrict\"} 12.0\n"), t);
    }

    @Test
    void nothingMissingMakesNoSeries() throws Exception {
        String t = scrape(new KernelMaps.Collector("runqlat", Optional.empty(), 0, 0, 0));
        assertTrue(t.contains("boxscope_ebpf_collector_up{collector=\"runqlat\"} 1.0\n"), t);
        assertFalse(t.contains("boxscope_kernel_symbols_missing"), t);
    }

    @Test
    @KernelTest
    void serveCollectorsWithAnUnreadableKallsymsMissNothing() throws Exception {
        try (HostEbpf h = HostEbpf.start(new HostPaths(Kallsyms.hidden(tmp.resolve("proc")), Path.of("/sys")))) {
            assertEquals(Map.of(), h.absent(), "every collector runs");
            KernelMaps.Reading r = h.read();
            assertEquals(HostEbpf.COLLECTORS, r.collectors().stream().map(KernelMaps.Collector::name).toList());
            for (KernelMaps.Collector c : r.collectors()) {
                assertEquals(Optional.empty(), c.kernelSymbolsMissing(), c.name());
            }
        }
    }
}
