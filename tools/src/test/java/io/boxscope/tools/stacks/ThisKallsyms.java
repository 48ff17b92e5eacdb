package io.boxscope.tools.stacks;

import java.util.List;
import java.util.Optional;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.testkit.Kallsyms;

/** What a run on this machine must say about unnamed kernel frames, asked of the running system, not assumed. */
public final class ThisKallsyms {
    private ThisKallsyms() {}

    /**
     * Nothing missing when kallsyms reads ({@link Kallsyms#readableHere}); else a count exactly when some stack has a
     * kernel frame. The message of a failure says which.
     */
    public static String check(List<StackSample> stacks, Optional<KernelSymbolsMissing> missing) {
        boolean readable = Kallsyms.readableHere();
        boolean kernelFrames = stacks.stream().anyMatch(s -> !s.kernel().isEmpty());
        boolean expected = !readable && kernelFrames;
        return missing.isPresent() == expected ? null
                : "kallsyms " + (readable ? "readable" : "unreadable") + ", kernel frames " + kernelFrames + ", yet " + missing;
    }
}
