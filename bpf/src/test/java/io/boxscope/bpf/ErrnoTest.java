package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.bpf.syscalls.SyscallTable;
import io.boxscope.bpf.sys.Arch;
import org.junit.jupiter.api.Test;

class ErrnoTest {
    @Test
    void parsesNamesNumbersAndAliases() {
        assertEquals(Errno.ENOENT, Errno.parse("enoent"));
        assertEquals(Errno.EPERM, Errno.parse("1"));
        assertEquals(Errno.EAGAIN, Errno.parse("EWOULDBLOCK"));
        assertNull(Errno.parse("ENOPE"));
        assertNull(Errno.parse("99999999999"));
        assertEquals("EACCES (Permission denied)", Errno.describe(13));
    }

    @Test
    void permissionErrorsNameTheCapabilities() {
        BpfException e = BpfException.of("attach tracepoint syscalls:sys_enter_openat", 13);
        assertInstanceOf(BpfPermissionException.class, e);
        assertTrue(e.getMessage().startsWith("attach tracepoint syscalls:sys_enter_openat: EACCES (Permission denied) — "),
                e.getMessage());
        assertTrue(e.getMessage().contains("CAP_BPF and CAP_PERFMON"));
        // bpf cannot see the capabilities: it names both causes and does not tell a capable process to become root
        assertTrue(e.getMessage().contains("kernel lockdown or a security module"), e.getMessage());
        assertFalse(e.getMessage().contains("run as root"), e.getMessage());
        assertEquals(13, e.errno());
    }

    @Test
    void syscallTablesMatchTheKernelAbi() {
        SyscallTable x = SyscallTable.of(Arch.X86_64);
        assertEquals("read", x.name(0));
        assertEquals("openat", x.name(257));
        assertEquals(321, x.number("bpf"));
        assertEquals("[unknown: 9999]", x.name(9999));
        SyscallTable a = SyscallTable.of(Arch.AARCH64);
        assertEquals("openat", a.name(56));
        assertEquals("newfstatat", a.name(79));
        assertEquals(280, a.number("bpf"));
        assertEquals(-1, a.number("open"));
    }
}
