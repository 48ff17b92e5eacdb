package io.boxscope.probe.codegen;

import java.util.List;
import java.util.Map;
import io.boxscope.bpf.collection.CollectionSpec;
import io.boxscope.probe.lang.sema.CheckedProgram;

/**
 * A script compiled to BPF: the collection to load (maps, a ring buffer {@code events}, a lost-record
 * counter {@code lost}, one program per {@link Unit}), the script's maps by name, the action table the
 * ring-buffer records index, the probe names ({@code probe} evaluates to an index here) and the
 * map-update sites whose failures the {@code updates} map counts (by their index). {@code checked} is the checked
 * program it was compiled from, or null for a script read back from the compile cache ({@link CompiledScriptCodec}),
 * which keeps only scripts without warnings.
 */
public record CompiledScript(CheckedProgram checked, CollectionSpec spec, List<Unit> units, Map<String, MapLayout> maps,
                             List<Action> actions, List<String> probeNames, List<UpdateSite> updateSites) {
    public CompiledScript {
        updateSites = List.copyOf(updateSites);
        units = List.copyOf(units);
        actions = List.copyOf(actions);
        probeNames = List.copyOf(probeNames);
    }

    /** The checked program's warnings: none for a script from the compile cache (only such scripts are kept). */
    public List<io.boxscope.probe.lang.diag.Diagnostic> warnings() {
        return checked == null ? List.of() : checked.warnings();
    }

    /**
     * One BPF program and where it attaches: {@code attaches} with the cookie each link carries (the
     * index of its probe name), {@code line} the script line of its probe (for verifier errors).
     */
    public record Unit(String program, io.boxscope.probe.lang.sema.ProbeKind kind, List<Target> attaches, int line,
                       String probeText) {
        public Unit {
            attaches = List.copyOf(attaches);
        }
    }

    /** A concrete attach point and its BPF cookie. */
    public record Target(io.boxscope.probe.lang.sema.Attach attach, long cookie) {}

    /**
     * Attach points in all, as {@code Attaching N probes...} counts them: a USDT probe compiled at several
     * places counts once (its later sites have a site number above 0).
     */
    public int probeCount() {
        return (int) units.stream().flatMap(u -> u.attaches().stream())
                .filter(t -> t.attach().kind() != io.boxscope.probe.lang.sema.ProbeKind.USDT || t.attach().number() == 0)
                .count();
    }
}
