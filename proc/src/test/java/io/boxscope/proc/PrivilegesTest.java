package io.boxscope.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PrivilegesTest {
    @Test
    void rootWithEveryCapability() {
        Privileges p = Privileges.parse("Name:\tbash\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n");
        assertTrue(p.isRoot());
        assertTrue(p.canTrace());
        assertTrue(p.has(Privileges.CAP_SYS_PTRACE));
    }

    @Test
    void rootInAContainerWithoutBpfCapabilities() {
        // docker's default set: chown dac_override fowner fsetid kill setgid setuid setpcap
        // net_bind_service net_raw sys_chroot mknod audit_write setfcap
        Privileges p = Privileges.parse("Uid:\t0\t0\t0\t0\nCapEff:\t00000000a80425fb\n");
        assertTrue(p.isRoot());
        assertFalse(p.canTrace());
        assertFalse(p.has(Privileges.CAP_SYS_PTRACE));
    }

    @Test
    void effectiveUidIsTheSecondField() {
        Privileges p = Privileges.parse("Uid:\t0\t1000\t0\t0\nCapEff:\t0000000000000000\n"); // real root, effective 1000
        assertFalse(p.isRoot());
        assertEquals(0, Privileges.parse("Uid:\t1000\t0\t1000\t1000\n").effectiveUid());
    }

    @Test
    void bpfAndPerfmonWithoutSysAdmin() {
        long caps = (1L << Privileges.CAP_BPF) | (1L << Privileges.CAP_PERFMON);
        assertTrue(Privileges.parse("Uid:\t1000\t1000\t1000\t1000\nCapEff:\t" + Long.toHexString(caps) + "\n").canTrace());
        assertFalse(Privileges.parse("CapEff:\t" + Long.toHexString(1L << Privileges.CAP_BPF) + "\n").canTrace());
    }

    @Test
    void thisProcessMatchesItsStatusFile() throws Exception {
        String status = Files.readString(Path.of("/proc/self/status"));
        String uid = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow().split("\\s+")[2];
        assertEquals(Integer.parseInt(uid), Privileges.self().effectiveUid());
    }
}
