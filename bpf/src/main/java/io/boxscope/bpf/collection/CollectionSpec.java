package io.boxscope.bpf.collection;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import io.boxscope.bpf.asm.MapRef;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.prog.ProgramSpec;

/**
 * What a {@link BpfCollection} creates: maps, then programs whose map references ({@code Asm.ldMap})
 * name maps of this spec. Checked when built: names are unique and every reference names a map here,
 * so a typo fails before anything is created in the kernel.
 */
public record CollectionSpec(List<MapSpec> maps, List<ProgramSpec> programs) {
    public CollectionSpec {
        maps = List.copyOf(maps);
        programs = List.copyOf(programs);
        Set<String> mapNames = new HashSet<>();
        for (MapSpec m : maps) {
            if (!mapNames.add(m.name())) {
                throw new IllegalArgumentException("two maps are named '" + m.name() + "'");
            }
        }
        Set<String> progNames = new HashSet<>();
        for (ProgramSpec p : programs) {
            if (!progNames.add(p.name())) {
                throw new IllegalArgumentException("two programs are named '" + p.name() + "'");
            }
            for (MapRef r : p.mapRefs()) {
                if (!mapNames.contains(r.map())) {
                    throw new IllegalArgumentException("program " + p.name() + ": instruction " + r.insn()
                            + " refers to map '" + r.map() + "', which this collection does not define (maps: "
                            + String.join(", ", maps.stream().map(MapSpec::name).toList()) + ")");
                }
            }
        }
    }
}
