package io.boxscope.mem.smaps;

/**
 * What a mapping is, from its name and flags (proc(5), "/proc/PID/maps": pathname, [stack], [heap],
 * [vdso], ...). The closed set "where is my memory" is answered with.
 */
public enum MappingKind {
    HEAP("heap"),
    STACK("stack"),
    ANONYMOUS("anonymous"),
    LIBRARY("library"),
    FILE("file"),
    SHARED_MEMORY("shared memory"),
    KERNEL("vdso/vvar");

    private final String label;

    MappingKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static MappingKind of(Mapping m) {
        String n = m.name();
        if (n.isEmpty() || n.startsWith("[anon:") || n.startsWith("[anon_shmem:")) {
            return m.shared() ? SHARED_MEMORY : ANONYMOUS;
        }
        if (n.equals("[heap]")) {
            return HEAP;
        }
        if (n.equals("[stack]") || n.startsWith("[stack:")) {
            return STACK;
        }
        if (n.equals("[vdso]") || n.startsWith("[vvar") || n.equals("[vsyscall]") || n.equals("[uprobes]")) {
            return KERNEL;
        }
        if (n.startsWith("/SYSV") || n.startsWith("/dev/shm/") || n.startsWith("/memfd:") || n.startsWith("/dev/zero")
                || (m.shared() && m.deviceMajor() == 0 && n.startsWith("/"))) {
            return SHARED_MEMORY;
        }
        if (n.startsWith("[")) {
            return ANONYMOUS;
        }
        String base = n.substring(n.lastIndexOf('/') + 1);
        if (base.contains(".so") || base.endsWith(".jsa")) {
            return LIBRARY;
        }
        return FILE;
    }
}
