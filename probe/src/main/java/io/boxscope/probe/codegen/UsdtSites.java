package io.boxscope.probe.codegen;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.boxscope.bpf.elf.ElfFile;
import io.boxscope.bpf.elf.UsdtNote;
import io.boxscope.probe.lang.sema.Attach;
import io.boxscope.probe.lang.sema.ProbeKind;

/**
 * The USDT probe site a {@code usdt:} attach point stands for: its target is [file, provider, name] and its
 * {@link Attach#number()} the site's index among that probe's notes (as the semantic pass numbered them).
 * Code generation reads the site's argument spec; the runtime its address and semaphore. Files are read once.
 */
public final class UsdtSites {
    private static final Map<Path, List<UsdtNote>> NOTES = new ConcurrentHashMap<>();

    private UsdtSites() {}

    /** The note of {@code at} (a USDT attach point). */
    public static UsdtNote site(Attach at) throws IOException {
        if (at.kind() != ProbeKind.USDT) {
            throw new IllegalArgumentException(at.name() + " is not a usdt probe");
        }
        Path file = Path.of(at.target().get(0));
        List<UsdtNote> notes = notes(file);
        int seen = 0;
        for (UsdtNote n : notes) {
            if (n.provider().equals(at.target().get(1)) && n.name().equals(at.target().get(2)) && seen++ == at.number()) {
                return n;
            }
        }
        throw new IOException("usdt probe " + at.name() + " (site " + at.number() + ") is no longer in " + file
                + ": was the file replaced while the script compiled?");
    }

    /** The file's notes, read once per run. */
    public static List<UsdtNote> notes(Path file) throws IOException {
        List<UsdtNote> n = NOTES.get(file);
        if (n == null) {
            n = UsdtNote.of(ElfFile.read(file));
            NOTES.put(file, n);
        }
        return n;
    }

    /** Where the kernel places a uprobe for the site: the file offset of its address (and of its semaphore, or 0). */
    public static long[] fileOffsets(Attach at) throws IOException {
        UsdtNote n = site(at);
        ElfFile elf = ElfFile.read(Path.of(at.target().get(0)));
        return new long[] {elf.fileOffsetOf(n.pc()), n.semaphore() == 0 ? 0 : elf.fileOffsetOf(n.semaphore())};
    }
}
