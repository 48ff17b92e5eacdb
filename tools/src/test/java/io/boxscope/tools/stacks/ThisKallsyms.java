package io.boxscope.tools.stacks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import io.boxscope.bpf.symbols.KernelSymbols;
import io.boxscope.probe.output.KernelSymbolsMissing;

/** What a run on this machine must say about unnamed kernel frames, asked of the running system, not assumed. */
public final class ThisKallsyms {
    private ThisKallsyms() {}

    /** Whether /proc/kallsyms names kernel text here (root without kptr_restrict zeros, not masked). */
    public static boolean readable() {
        try {
            KernelSymbols.read(Path.of("/proc"));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Nothing missing when kallsyms reads; else a count exactly when some stack has a kernel frame. The message
     * of a failure says which.
     */
    public static String check(List<StackSample> stacks, Optional<KernelSymbolsMissing> missing) {
        boolean kernelFrames = stacks.stream().anyMatch(s -> !s.kernel().isEmpty());
        boolean expected = !readable() && kernelFrames;
        return missing.isPresent() == expected ? null
                : "kallsyms " + (readable() ? "readable" : "unreadable") + ", kernel frames " + kernelFrames + ", yet " + missing;
    }
}
