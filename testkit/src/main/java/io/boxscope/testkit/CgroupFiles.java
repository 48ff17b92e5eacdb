package io.boxscope.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A test's own oracle for cgroup files, independent of the code under test: found from
 * /proc/PID/cgroup and /proc/mounts by plain string handling (cgroups(7)).
 */
public final class CgroupFiles {
    private CgroupFiles() {}

    /**
     * The memory cgroup directory of {@code pid}: under the v1 memory controller's mount when
     * there is one, else under the unified (v2) mount, from the process's "0::" line.
     */
    public static Path memoryDir(int pid) throws IOException {
        return controllerDir(pid, "memory");
    }

    /** The cgroup directory of {@code pid} for a controller ("cpu", "memory"): v1's mount if there is one, else v2's. */
    public static Path controllerDir(int pid, String controller) throws IOException {
        Path v1Mount = null;
        Path v2Mount = null;
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            if (f[2].equals("cgroup") && List.of(f[3].split(",")).contains(controller)) {
                v1Mount = Path.of(f[1]);
            } else if (f[2].equals("cgroup2")) {
                v2Mount = Path.of(f[1]);
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (v1Mount != null && List.of(f[1].split(",")).contains(controller)) {
                return Path.of(v1Mount + f[2]);
            }
            if (v1Mount == null && v2Mount != null && f[0].equals("0")) {
                return Path.of(v2Mount + f[2]);
            }
        }
        throw new AssertionError("no " + controller + " cgroup for " + pid);
    }
}
