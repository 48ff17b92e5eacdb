package io.boxscope.proc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's effective uid and effective capabilities, from the Uid: and CapEff: lines of
 * /proc/self/status (proc(5)). Privilege is decided by these, never by the user name: root in a
 * container may lack capabilities, and a user named "root" need not be uid 0.
 *
 * <p>Capability numbers are those of include/uapi/linux/capability.h (capabilities(7)).
 */
public record Privileges(int effectiveUid, long effectiveCaps) {
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_SYS_PTRACE = 19;
    public static final int CAP_PERFMON = 38;
    public static final int CAP_BPF = 39;

    /** Parses the text of a /proc/PID/status file; missing lines count as uid -1 and no capability. */
    public static Privileges parse(String status) {
        int euid = -1;
        long caps = 0;
        for (String line : status.split("\n")) {
            if (line.startsWith("Uid:")) {
                String[] f = line.substring(4).strip().split("\\s+");
                if (f.length >= 2) {
                    euid = Integer.parseInt(f[1]); // real, effective, saved, filesystem
                }
            } else if (line.startsWith("CapEff:")) {
                caps = Long.parseUnsignedLong(line.substring(7).strip(), 16);
            }
        }
        return new Privileges(euid, caps);
    }

    /**
     * This process's privileges. Always the real /proc/self, whatever --proc-root says: it is about
     * this process, not the host being looked at. An unreadable status file means no privileges.
     */
    public static Privileges self() {
        try {
            return parse(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException | RuntimeException e) {
            return new Privileges(-1, 0);
        }
    }

    public boolean isRoot() {
        return effectiveUid == 0;
    }

    public boolean has(int capability) {
        return (effectiveCaps & (1L << capability)) != 0;
    }

    /**
     * May load tracing BPF programs and open perf events: CAP_BPF with CAP_PERFMON (Linux 5.8+), or
     * CAP_SYS_ADMIN, which covers both (kernel/bpf/syscall.c bpf_capable(), perfmon_capable()).
     */
    public boolean canTrace() {
        return has(CAP_SYS_ADMIN) || (has(CAP_BPF) && has(CAP_PERFMON));
    }
}
