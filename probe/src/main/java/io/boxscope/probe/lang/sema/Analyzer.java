package io.boxscope.probe.lang.sema;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.probe.lang.ast.AttachPoint;
import io.boxscope.probe.lang.ast.Probe;
import io.boxscope.probe.lang.ast.Program;
import io.boxscope.probe.lang.diag.Diagnostic;
import io.boxscope.probe.lang.diag.ProgramException;
import io.boxscope.probe.lang.diag.SourceText;

/**
 * The semantic pass: resolves attach points ({@link ProbeResolver}), then types every probe twice over a
 * shared {@link MapTable}: the first run only learns map types (so a probe may read a map another probe
 * assigns later in the file), the second reports. All errors come back at once in a
 * {@link ProgramException}; the kernel is consulted only through {@link KernelInfo}.
 */
public final class Analyzer {
    private Analyzer() {}

    /**
     * Checks a program. A kernel source we may not read (tracefs as non-root) is not a program error: it
     * comes out as the {@link AccessDeniedException}, for the caller to report as missing privilege.
     */
    public static CheckedProgram check(SourceText source, Program program, KernelInfo kernel, CheckOptions options)
            throws ProgramException, AccessDeniedException {
        try {
            return checkNested(source, program, kernel, options);
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof AccessDeniedException ade) {
                throw ade;
            }
            throw e;
        } catch (StackOverflowError e) {
            throw new ProgramException(source, List.of(Diagnostic.error(program.span(),
                    "program is nested too deeply to check")));
        }
    }

    private static CheckedProgram checkNested(SourceText source, Program program, KernelInfo kernel, CheckOptions options)
            throws ProgramException {
        Diags diags = new Diags();
        // The kernel's BTF is read when a type or constant first needs it: a program that only reads
        // tracepoint args and builtins starts without parsing it (tens of milliseconds in a cold JVM).
        Btf[] btfRead = new Btf[1];
        boolean[] asked = new boolean[1];
        java.util.function.Supplier<Btf> btf = () -> {
            if (!asked[0]) {
                asked[0] = true;
                try {
                    btfRead[0] = kernel.btf().orElse(null);
                } catch (IOException e) {
                    diags.warning(program.span(), "kernel BTF unreadable, struct types are unknown: " + e.getMessage());
                }
            }
            return btfRead[0];
        };
        TypeFactory factory = new TypeFactory(btf, program.structs(), kernel.typedefCache().orElse(null));
        ProbeResolver resolver = new ProbeResolver(kernel, diags, options.pid());
        List<Map<AttachPoint, List<Attach>>> expansions = new ArrayList<>();
        List<List<ProbeKind>> kinds = new ArrayList<>();
        for (Probe p : program.probes()) {
            Map<AttachPoint, List<Attach>> m = new LinkedHashMap<>();
            List<ProbeKind> ks = new ArrayList<>();
            for (AttachPoint ap : p.attachPoints()) {
                ProbeKind k = ProbeKind.of(ap.provider());
                if (k == null) {
                    List<String> near = EditDistance.closest(ap.provider(), ProbeKind.spellings(), 2);
                    diags.error(ap.span(), "Invalid probe type: " + ap.provider(), near.isEmpty()
                            ? "probe types: " + String.join(", ", java.util.Arrays.stream(ProbeKind.values()).map(ProbeKind::label).toList())
                            : "did you mean " + ProbeResolver.quoteAll(near) + "?");
                    m.put(ap, List.of());
                    continue;
                }
                ks.add(k);
                m.put(ap, resolver.resolve(ap, k));
            }
            expansions.add(m);
            kinds.add(ks);
        }
        if (!resolver.skipped.isEmpty() && !diags.hasErrors()
                && expansions.stream().allMatch(m -> m.values().stream().allMatch(List::isEmpty))) {
            diags.error(program.probes().getFirst().attachPoints().getFirst().span(), "No probes to attach",
                    "no function of the target: " + String.join(", ", resolver.skipped));
        }
        for (ProbeKind once : List.of(ProbeKind.BEGIN, ProbeKind.END)) {
            boolean seen = false;
            for (Probe p : program.probes()) {
                for (AttachPoint ap : p.attachPoints()) {
                    if (ProbeKind.of(ap.provider()) == once) {
                        if (seen) {
                            diags.error(ap.span(), "More than one " + once.label() + " probe defined",
                                    "put all the " + once.label() + " actions in one probe");
                        }
                        seen = true;
                    }
                }
            }
        }
        MapTable maps = new MapTable();
        Constants constants = new Constants(btf, program.includes());
        ExprTyper learn = new ExprTyper(new Diags(), factory, kernel, maps, options);
        learn.knownConstants = constants;
        learn.collecting = true;
        run(program, expansions, kinds, learn, null);
        ExprTyper typer = new ExprTyper(diags, factory, kernel, maps, options);
        typer.knownConstants = constants;
        List<CheckedProbe> probes = new ArrayList<>();
        run(program, expansions, kinds, typer, probes);
        if (diags.hasErrors()) {
            throw new ProgramException(source, diags.all().stream()
                    .sorted(java.util.Comparator.comparingInt(d -> d.span().start())).toList(), diags.refusal());
        }
        return new CheckedProgram(source, program, typer.types, typer.fields, typer.argsFields, typer.constants, maps.result(), probes,
                diags.all().stream().filter(d -> d.severity() == Diagnostic.Severity.WARNING).toList(), options);
    }

    private static void run(Program program, List<Map<AttachPoint, List<Attach>>> expansions, List<List<ProbeKind>> kinds,
                            ExprTyper typer, List<CheckedProbe> out) {
        Checker checker = new Checker(typer);
        for (int i = 0; i < program.probes().size(); i++) {
            Probe p = program.probes().get(i);
            if (kinds.get(i).isEmpty()) {
                continue;
            }
            List<Attach> all = expansions.get(i).values().stream().flatMap(List::stream).toList();
            Scope scope = new Scope(all, kinds.get(i));
            checker.probe(p, scope);
            if (out != null) {
                out.add(new CheckedProbe(p, expansions.get(i), scope.variables));
            }
        }
    }
}
