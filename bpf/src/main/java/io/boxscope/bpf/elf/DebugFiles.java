package io.boxscope.bpf.elf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Finds the separate debug file of a binary the way GDB documents it ("Separate Debug Files") and bcc
 * (which bpftrace uses to list uprobes) does it: first by build id,
 * {@code <debugRoot>/.build-id/ab/cdef....debug}, then by {@code .gnu_debuglink} next to the binary, in its
 * {@code .debug/} directory, or under {@code <debugRoot>/<binary's directory>}, checking the link's CRC-32.
 * Debian's {@code *-dbg} and {@code *-dbgsym} packages install such files (libc6-dbg for libc).
 */
public final class DebugFiles {
    /** Where distributions install debug files. */
    public static final Path DEFAULT_ROOT = Path.of("/usr/lib/debug");

    private DebugFiles() {}

    public static Optional<Path> find(ElfFile elf, Path binary, Path debugRoot) throws IOException {
        Optional<String> id = elf.buildId();
        if (id.isPresent() && id.get().length() > 2) {
            Path p = debugRoot.resolve(".build-id").resolve(id.get().substring(0, 2)).resolve(id.get().substring(2) + ".debug");
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        Optional<ElfFile.DebugLink> link = elf.debugLink();
        if (link.isEmpty() || link.get().fileName().contains("/")) {
            return Optional.empty();
        }
        Path dir = binary.toAbsolutePath().getParent();
        List<Path> candidates = new ArrayList<>();
        candidates.add(dir.resolve(link.get().fileName()));
        candidates.add(dir.resolve(".debug").resolve(link.get().fileName()));
        candidates.add(debugRoot.resolve(dir.getRoot().relativize(dir)).resolve(link.get().fileName()));
        Path self = binary.toAbsolutePath().normalize();
        for (Path c : candidates) {
            if (Files.isRegularFile(c) && !c.toAbsolutePath().normalize().equals(self) && crc32(c) == link.get().crc()) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private static int crc32(Path p) throws IOException {
        CRC32 crc = new CRC32();
        byte[] b = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(p)) {
            for (int n; (n = in.read(b)) > 0; ) {
                crc.update(b, 0, n);
            }
        }
        return (int) crc.getValue();
    }
}
