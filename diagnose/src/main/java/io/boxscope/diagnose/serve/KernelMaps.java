package io.boxscope.diagnose.serve;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.probe.output.MapDump;

/**
 * The in-kernel side of {@code boxscope serve} as {@link ContainerCollector} sees it: {@link HostEbpf}
 * in production, hand-made maps in tests.
 */
public interface KernelMaps {
    /** Count the processes of these cgroup v2 ids from now on, and forget the ids not in the set. */
    void watch(Set<Long> cgroupIds);

    /** The maps as they are now (cumulative since start) and each collector's health. */
    Reading read();

    /**
     * One collector ({@code syscalls}, {@code runqlat}, {@code biolat}): absent with the reason it
     * could not be loaded or attached, or running with the events it did not count so far: ring-buffer
     * records lost, program runs the kernel skipped (another BPF program was running on the CPU), map
     * updates that failed (a full map); and the distinct kernel addresses its maps held that could not be
     * named because kallsyms could not be read, with why (empty when none: serve's scripts keep no kernel
     * address today, so this stays empty until one does).
     */
    record Collector(String name, Optional<String> absent, long lost, long skipped, long failedUpdates,
                     Optional<KernelSymbolsMissing> kernelSymbolsMissing) {
        public Collector {
            java.util.Objects.requireNonNull(kernelSymbolsMissing, "kernelSymbolsMissing");
        }

        /** A collector whose maps held no kernel address left unnamed. */
        public Collector(String name, Optional<String> absent, long lost, long skipped, long failedUpdates) {
            this(name, absent, lost, skipped, failedUpdates, Optional.empty());
        }
    }

    /** @param maps by name with the {@code @} ({@code @calls}, {@code @runq}...); a map of an absent collector is missing */
    record Reading(List<Collector> collectors, Map<String, MapDump> maps) {
        public Reading {
            collectors = List.copyOf(collectors);
            maps = Map.copyOf(maps);
        }
    }
}
