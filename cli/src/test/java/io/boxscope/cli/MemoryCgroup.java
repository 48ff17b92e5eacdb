package io.boxscope.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A memory cgroup for a test that needs an OOM kill (oomkill's tests): made, limited, removed. */
public final class MemoryCgroup {
    private MemoryCgroup() {}

    /**
     * A memory cgroup of a test's own named {@code name} with a 32 MiB limit and no swap (v1's memory controller where it
     * is mounted, else v2's memory.max; the controller enabled below v2's root when it is not yet): a process written to
     * its cgroup.procs that touches more is OOM-killed. {@link #remove} it after.
     */
    public static Path create(String name) throws IOException {
        Path v1 = null;
        Path v2 = null;
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            if (f[2].equals("cgroup") && List.of(f[3].split(",")).contains("memory")) {
                v1 = Path.of(f[1]);
            } else if (f[2].equals("cgroup2")) {
                v2 = Path.of(f[1]);
            }
        }
        Path memcg = (v1 != null ? v1 : v2).resolve(name);
        Files.createDirectory(memcg);
        try {
            limit(memcg, v1 != null);
        } catch (IOException e) {
            Files.deleteIfExists(memcg);
            throw e;
        }
        return memcg;
    }

    private static void limit(Path memcg, boolean v1) throws IOException {
        if (!v1 && !Files.exists(memcg.resolve("memory.max"))) { // the memory controller is not enabled below the root yet
            Files.writeString(memcg.getParent().resolve("cgroup.subtree_control"), "+memory");
        }
        Files.writeString(memcg.resolve(v1 ? "memory.limit_in_bytes" : "memory.max"), Long.toString(32L << 20));
        if (!v1) {
            Files.writeString(memcg.resolve("memory.swap.max"), "0");
        }
    }

    /** Removes a cgroup of {@link #create} once its processes are gone (up to 5 s). */
    public static void remove(Path memcg) throws InterruptedException {
        for (int i = 0; i < 50 && Files.exists(memcg); i++) {
            try {
                Files.delete(memcg);
            } catch (IOException busy) {
                Thread.sleep(100);
            }
        }
    }
}
