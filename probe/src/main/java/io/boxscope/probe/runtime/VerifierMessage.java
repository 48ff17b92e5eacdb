package io.boxscope.probe.runtime;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.prog.VerifierException;
import io.boxscope.probe.codegen.CompiledScript;

/**
 * One paragraph for a program the verifier rejected: the script line and probe it was generated from,
 * and the verifier's own last words (its log ends with the failing instruction's complaint, followed by
 * statistics that are left out).
 */
final class VerifierMessage {
    private VerifierMessage() {}

    static String of(String source, CompiledScript.Unit unit, VerifierException e) {
        String log = e.log() == null ? "" : e.log();
        List<String> lines = new ArrayList<>();
        for (String l : log.split("\n")) {
            String s = l.strip();
            if (s.isEmpty() || s.startsWith("processed ") || s.startsWith("verification time") || s.startsWith("stack depth")) {
                continue;
            }
            lines.add(s);
        }
        List<String> last = lines.subList(Math.max(0, lines.size() - 3), lines.size());
        return source + ":" + unit.line() + ": the kernel's BPF verifier rejected the program for probe " + unit.probeText()
                + (last.isEmpty() ? ": " + e.getMessage() : ": " + String.join("; ", last))
                + " (this is a code generation bug or a kernel limit; run with -v to see the BPF instructions)";
    }
}
