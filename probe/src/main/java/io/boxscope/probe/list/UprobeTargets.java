package io.boxscope.probe.list;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns the target of {@code uprobe:TARGET:FUNC} into a file, as bpftrace does: a path is used as given; a
 * bare name is looked up on $PATH ({@code bash}), then in the dynamic linker's cache as bcc does for bpftrace
 * ({@link LdSoCache}: {@code libc} → {@code /lib/x86_64-linux-gnu/libc.so.6}, {@code libssl} →
 * {@code libssl.so.3}), then in the standard library directories, taking only ELF files (Debian's
 * {@code libc.so} linker script is skipped).
 */
public final class UprobeTargets {
    static final List<String> LIB_DIRS = List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
            "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/riscv64-linux-gnu", "/usr/lib/riscv64-linux-gnu",
            "/lib/loongarch64-linux-gnu", "/usr/lib/loongarch64-linux-gnu", "/lib/s390x-linux-gnu", "/usr/lib/s390x-linux-gnu",
            "/lib/powerpc64le-linux-gnu", "/usr/lib/powerpc64le-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
            "/usr/local/lib");

    private UprobeTargets() {}

    /**
     * Every file a uprobe target names: a path with wildcards ({@code /usr/lib/*&#47;libc.so.6}) is expanded as
     * bpftrace 0.17 expands it with glob(3), to the ELF files that match, in path order; anything else is the one
     * file {@link #resolve} finds.
     */
    public static List<Path> resolveAll(String target) throws ProbeListException {
        if (!target.contains("/") || !io.boxscope.bpf.tracefs.Glob.of(target).isWildcard()) {
            return List.of(resolve(target));
        }
        List<Path> found = expand(target);
        if (found.isEmpty()) {
            throw new ProbeListException("no file matches the uprobe target " + target
                    + " (wildcards match within one directory level of the path, as the shell's)");
        }
        return found;
    }

    /** The regular ELF files a path pattern matches, a component at a time ({@code *} and {@code ?} do not cross '/', nor match a leading '.'). */
    static List<Path> expand(String pattern) {
        List<Path> cur = List.of(pattern.startsWith("/") ? Path.of("/") : Path.of(""));
        for (String part : pattern.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            io.boxscope.bpf.tracefs.Glob g = io.boxscope.bpf.tracefs.Glob.of(part);
            List<Path> next = new ArrayList<>();
            for (Path dir : cur) {
                if (!g.isWildcard()) {
                    Path p = dir.resolve(part);
                    if (Files.exists(p)) {
                        next.add(p);
                    }
                    continue;
                }
                List<Path> hits = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.toString().isEmpty() ? Path.of(".") : dir)) {
                    for (Path p : ds) {
                        String name = p.getFileName().toString();
                        if ((!name.startsWith(".") || part.startsWith(".")) && g.matches(name)) {
                            hits.add(dir.resolve(name));
                        }
                    }
                } catch (IOException e) {
                    continue; // an unreadable or missing directory matches nothing, as in glob(3)
                }
                hits.sort(null);
                next.addAll(hits);
            }
            cur = next;
        }
        return cur.stream().filter(p -> Files.isRegularFile(p) && isElf(p)).toList();
    }

    public static Path resolve(String target) throws ProbeListException {
        if (target.isEmpty()) {
            throw new ProbeListException("uprobe needs a binary or library: uprobe:/path/to/file:FUNCTION");
        }
        if (target.contains("/")) {
            Path p = Path.of(target);
            if (!Files.isRegularFile(p)) {
                throw new ProbeListException("uprobe target " + target + " is not a file");
            }
            return p;
        }
        String pathEnv = System.getenv("PATH");
        if (pathEnv != null) {
            for (String dir : pathEnv.split(":")) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path p = Path.of(dir, target);
                if (Files.isRegularFile(p) && Files.isExecutable(p) && isElf(p)) {
                    return p;
                }
            }
        }
        Optional<Path> lib = library(target);
        if (lib.isPresent()) {
            return lib.get();
        }
        throw new ProbeListException("uprobe target '" + target + "' is neither a path, a program on $PATH, nor a library in "
                + String.join(", ", LIB_DIRS) + "; give the full path, e.g. uprobe:/lib/x86_64-linux-gnu/libc.so.6:malloc");
    }

    static Optional<Path> library(String name) {
        Optional<String> cached = LdSoCache.find(LdSoCache.read(Path.of("/etc/ld.so.cache")), name);
        if (cached.isPresent() && Files.isRegularFile(Path.of(cached.get())) && isElf(Path.of(cached.get()))) {
            return Optional.of(Path.of(cached.get()));
        }
        String base = name.startsWith("lib") ? name : "lib" + name;
        for (String d : LIB_DIRS) {
            Path dir = Path.of(d);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> hits = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, base + ".so*")) {
                for (Path p : ds) {
                    String f = p.getFileName().toString();
                    if ((f.equals(base + ".so") || f.startsWith(base + ".so.")) && Files.isRegularFile(p) && isElf(p)) {
                        hits.add(p);
                    }
                }
            } catch (IOException e) {
                continue; // an unreadable directory is just not searched
            }
            hits.sort(null);
            if (!hits.isEmpty()) {
                return Optional.of(hits.getFirst());
            }
        }
        return Optional.empty();
    }

    private static boolean isElf(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] m = in.readNBytes(4);
            return m.length == 4 && m[0] == 0x7f && m[1] == 'E' && m[2] == 'L' && m[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }
}
