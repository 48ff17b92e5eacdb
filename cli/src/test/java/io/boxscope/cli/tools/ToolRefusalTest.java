package io.boxscope.cli.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.bpf.BpfPermissionException;
import io.boxscope.cli.ExitCode;
import io.boxscope.probe.runtime.ProbeRunException;
import io.boxscope.proc.Privileges;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * A BCC-class tool whose attach the kernel refused (EPERM): exit 3 and "run as root" only when the
 * process lacks CAP_BPF+CAP_PERFMON; with them (root here, CapEff all ones) the refusal comes from
 * kernel lockdown or a security module, which no privilege fixes: exit 1, and it says so.
 */
class ToolRefusalTest {
    private static final Privileges NOBODY = Privileges.parse("Uid:\t65534\t65534\t65534\t65534\nCapEff:\t0\n");
    private static final Privileges ROOT = Privileges.parse("Uid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n");

    private static ProbeRunException refused() {
        BpfPermissionException b = new BpfPermissionException("attach tracepoint syscalls:sys_enter_execve", 1);
        return new ProbeRunException("cannot attach tracepoint:syscalls:sys_enter_execve (line 3): " + b.getMessage(), b);
    }

    @Test
    void withoutTheCapabilitiesARefusalIsAMissingPrivilege() {
        StringWriter text = new StringWriter();
        assertEquals(ExitCode.PRIVILEGE, ToolCommand.failed("execsnoop", refused(), new PrintWriter(text, true), NOBODY));
        assertTrue(text.toString().contains("run as root"), text.toString());
    }

    @Test
    void withTheCapabilitiesARefusalIsNotAMissingPrivilege() {
        StringWriter text = new StringWriter();
        assertEquals(ExitCode.FAILURE, ToolCommand.failed("execsnoop", refused(), new PrintWriter(text, true), ROOT));
        assertTrue(text.toString().contains("kernel lockdown or a security module"), text.toString());
        assertFalse(text.toString().contains("run as root"), text.toString());
    }

    @Test
    void otherFailuresAreFailures() {
        StringWriter text = new StringWriter();
        assertEquals(ExitCode.FAILURE, ToolCommand.refused(new ProbeRunException("cannot attach x: ENOENT", null),
                new PrintWriter(text, true), NOBODY));
        assertTrue(text.toString().contains("cannot attach x: ENOENT"), text.toString());
    }
}
