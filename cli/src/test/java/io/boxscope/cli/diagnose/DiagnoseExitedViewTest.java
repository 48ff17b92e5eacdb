package io.boxscope.cli.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.boxscope.diagnose.EbpfFindings;
import io.boxscope.proc.json.Json;
import org.junit.jupiter.api.Test;

/**
 * The exited processes (diagnose's exits collector; the figures themselves: ExitedProcessesDockerTest in diagnose) in
 * text, one escaped line (a command name is anyone's choice), and in JSON by command, null when not measured.
 */
class DiagnoseExitedViewTest {
    static EbpfFindings findings(Optional<List<EbpfFindings.Exited>> exited) {
        return new EbpfFindings(Optional.empty(), Optional.empty(), 99, Optional.empty(), Map.of(), Optional.empty(), Optional.empty(),
                List.of(), Optional.empty(), List.of(), 1, Optional.empty(), Optional.empty(), Optional.empty(), exited);
    }

    @Test
    @SuppressWarnings("unchecked")
    void byCommandInJsonNullWhenNotMeasured() {
        EbpfFindings e = findings(Optional.of(List.of(new EbpfFindings.Exited("sh", 300, 1_250_000_000L))));
        Map<String, Object> o = (Map<String, Object>) Json.parse(Json.write(DiagnoseViews.ebpfJson(e)));
        assertEquals(List.of(Map.of("command", "sh", "processes", 300L, "cpu_s", 1.25)), o.get("exited_processes"));
        Map<String, Object> none = (Map<String, Object>) Json.parse(Json.write(DiagnoseViews.ebpfJson(findings(Optional.empty()))));
        assertNull(none.get("exited_processes"));
    }

    @Test
    void oneEscapedLineInText() {
        StringBuilder b = new StringBuilder();
        DiagnoseViews.ebpfText(b, findings(Optional.of(List.of(new EbpfFindings.Exited("a\u001b[2Jb", 3, 20_000_000L),
                new EbpfFindings.Exited("cc", 1, 10_000_000L)))));
        List<String> lines = b.toString().lines().filter(l -> l.startsWith("  EXITED")).toList();
        assertEquals(List.of("  EXITED     exited processes (eBPF, by command): \"a\\x1b[2Jb\" x3, 0.02 CPU-s; \"cc\" x1, 0.01 CPU-s"), lines,
                b::toString);
        assertFalse(b.toString().contains("\u001b"), "a control character reached the terminal");
        StringBuilder none = new StringBuilder();
        DiagnoseViews.ebpfText(none, findings(Optional.of(List.of())));
        assertFalse(none.toString().contains("EXITED"), none::toString);
    }
}
