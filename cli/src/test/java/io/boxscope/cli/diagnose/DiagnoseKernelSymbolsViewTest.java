package io.boxscope.cli.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.boxscope.diagnose.EbpfFindings;
import io.boxscope.diagnose.OffCpu;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.proc.json.Json;
import io.boxscope.tools.stacks.StackSample;
import org.junit.jupiter.api.Test;

/**
 * diagnose's text and JSON say how many kernel frames of each collector's stacks are [unknown] because kallsyms
 * could not be read, and why (the findings' counts, carried from the collectors: diagnose's EbpfKernelSymbolsTest);
 * nothing in text and 0 in JSON when all were named. The reason names a path, which anyone can choose: escaped.
 */
class DiagnoseKernelSymbolsViewTest {
    static final String REASON = "kernel symbols could not be read: /tmp/x\u001b[31m/kallsyms: no such file";

    static EbpfFindings findings(Optional<KernelSymbolsMissing> on, Optional<KernelSymbolsMissing> off) {
        StackSample s = new StackSample(7, "app", List.of("main"), List.of("[unknown]", "[unknown]"), 40);
        return new EbpfFindings(Optional.empty(), Optional.of(List.of(s)), 99, Optional.of(List.of(s)), Map.of(OffCpu.SLEEP, 40L),
                Optional.empty(), Optional.empty(), List.of(), Optional.empty(), List.of(), 1, on, off);
    }

    @Test
    @SuppressWarnings("unchecked")
    void countsAndReasonInJsonPerCollector() {
        EbpfFindings e = findings(Optional.of(new KernelSymbolsMissing(12, REASON)), Optional.empty());
        Map<String, Object> o = (Map<String, Object>) Json.parse(Json.write(DiagnoseViews.ebpfJson(e)));
        Map<String, Object> on = (Map<String, Object>) ((Map<String, Object>) o.get("on_cpu")).get("kernel_symbols_missing");
        Map<String, Object> off = (Map<String, Object>) ((Map<String, Object>) o.get("off_cpu")).get("kernel_symbols_missing");
        assertEquals(12L, on.get("addresses"));
        assertEquals(REASON, on.get("reason"));
        Map<String, Object> none = new HashMap<>();
        none.put("addresses", 0L);
        none.put("reason", null);
        assertEquals(none, off);
    }

    @Test
    void oneEscapedLinePerCollectorInText() {
        StringBuilder b = new StringBuilder();
        DiagnoseViews.ebpfText(b, findings(Optional.of(new KernelSymbolsMissing(12, REASON)), Optional.of(new KernelSymbolsMissing(1, "why"))));
        List<String> lines = b.toString().lines().filter(l -> l.startsWith("  UNNAMED")).toList();
        assertEquals(List.of("  UNNAMED    on-CPU stacks: 12 distinct kernel addresses in the stacks shown as [unknown]: kernel symbols could not be read: /tmp/x\\x1b[31m/kallsyms: no such file",
                "  UNNAMED    off-CPU stacks: 1 distinct kernel address in the stacks shown as [unknown]: why"), lines, b::toString);
        assertFalse(b.toString().contains("\u001b"), "a control character reached the terminal");

        StringBuilder named = new StringBuilder();
        DiagnoseViews.ebpfText(named, findings(Optional.empty(), Optional.empty()));
        assertTrue(named.toString().contains("ON-CPU"), named::toString);
        assertFalse(named.toString().contains("UNNAMED"), named::toString);
    }
}
