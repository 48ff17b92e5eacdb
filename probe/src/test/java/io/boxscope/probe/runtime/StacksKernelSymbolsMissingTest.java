package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.probe.output.Output;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.Kallsyms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernel addresses whose symbols cannot be read (kallsyms under a proc root that shows every address as 0, as
 * kptr_restrict makes it) are printed in hex as before, but counted, with the reader's reason, for the run's one
 * notice; text and JSON render it. (A cached image whose rest cannot be read: bpf's KernelSymbolizerTest.)
 */
class StacksKernelSymbolsMissingTest {
    @Test
    void hiddenKernelAddressesAreCountedWithTheReason(@TempDir Path proc) throws Exception {
        Kallsyms.hidden(proc);
        Stacks stacks = new Stacks(null, proc);
        assertEquals(Optional.empty(), stacks.kernelSymbolsMissing(), "nothing looked up yet");
        assertEquals("0xffffffff81200010", stacks.ksym(0xffffffff81200010L));
        assertEquals("0xffffffff81000090", stacks.ksym(0xffffffff81000090L));
        KernelSymbolsMissing missing = stacks.kernelSymbolsMissing().orElseThrow();
        assertEquals(2, missing.addresses());
        assertEquals("0xffffffff81200010", stacks.ksym(0xffffffff81200010L), "the same address again");
        assertEquals(3, stacks.kernelSymbolsMissing().orElseThrow().addresses(), "probe counts every address printed in hex");
        assertEquals(java.util.Set.of(0xffffffff81200010L, 0xffffffff81000090L), stacks.unresolvedKernelAddresses(),
                "the stack tools count each address once");
        assertEquals(Optional.of(missing.reason()), stacks.kernelSymbolsUnavailable());
        assertTrue(missing.reason().startsWith("kernel symbols could not be read: ") && missing.reason().contains("kptr_restrict"),
                missing.reason());
    }

    @Test
    void anEmptyKallsymsIsCountedWithTheReason(@TempDir Path proc) throws Exception {
        Files.writeString(proc.resolve("kallsyms"), ""); // /dev/null bound over it
        Stacks stacks = new Stacks(null, proc);
        assertEquals("0xffffffff81200010", stacks.ksym(0xffffffff81200010L));
        KernelSymbolsMissing missing = stacks.kernelSymbolsMissing().orElseThrow();
        assertEquals(1, missing.addresses());
        assertTrue(missing.reason().startsWith("kernel symbols could not be read: " + proc.resolve("kallsyms") + " lists no kernel text symbol (empty)"),
                missing.reason());
    }

    @Test
    void readableSymbolsGiveNoNotice(@TempDir Path proc) throws Exception {
        Files.writeString(proc.resolve("kallsyms"), "ffffffff81000000 T _stext\nffffffff81200000 t schedule\n");
        Stacks stacks = new Stacks(null, proc);
        assertEquals("schedule", stacks.ksym(0xffffffff81200010L));
        assertEquals("0x1000", stacks.ksym(0x1000L), "below every symbol: hex as in bpftrace, not missing symbols");
        assertEquals(Optional.empty(), stacks.kernelSymbolsMissing());
    }

    @Test
    void theNoticeInTextAndJson() {
        KernelSymbolsMissing m = new KernelSymbolsMissing(12, "kernel symbols could not be read: \"x\" hidden");
        assertEquals("12 kernel addresses printed in hex: kernel symbols could not be read: \"x\" hidden\n", Output.text().kernelSymbolsMissing(m));
        assertEquals("1 kernel address printed in hex: why\n", Output.text().kernelSymbolsMissing(new KernelSymbolsMissing(1, "why")));
        // the stack tools (profile, offcputime, diagnose) show such a frame as [unknown], as libbpf-tools do: same sentence
        assertEquals("12 distinct kernel addresses in the stacks shown as [unknown]: kernel symbols could not be read: \"x\" hidden",
                m.sentence(KernelSymbolsMissing.Shown.UNKNOWN));
        assertEquals("1 distinct kernel address in the stacks shown as [unknown]: why", new KernelSymbolsMissing(1, "why").sentence(KernelSymbolsMissing.Shown.UNKNOWN));
        String json = Output.json().kernelSymbolsMissing(m);
        assertTrue(json.endsWith("}\n") && json.indexOf('\n') == json.length() - 1, json);
        assertEquals(Map.of("type", "kernel_symbols_missing", "data", Map.of("addresses", 12L, "reason", m.reason())), Json.parse(json));
    }
}
