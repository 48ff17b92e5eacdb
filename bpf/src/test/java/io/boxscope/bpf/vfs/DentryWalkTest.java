package io.boxscope.bpf.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import io.boxscope.bpf.asm.Reg;
import org.junit.jupiter.api.Test;

/**
 * The user-space half of the walk: the names as the program writes them (leaf first, NUL-terminated) put back in
 * order. The walk itself runs in trace's ExecPathWalkTest and diagnose's FileNamesKernelTest, on the kernel.
 */
class DentryWalkTest {

    @Test
    void namesLeafFirstMakeThePathRootFirst() {
        assertEquals("/usr/bin/true", DentryWalk.join(List.of("true", "bin", "usr")));
        assertEquals("/", DentryWalk.join(List.of()));
        assertEquals(".../bin/true", DentryWalk.truncated(List.of("true", "bin")));
        assertThrows(IllegalArgumentException.class, () -> DentryWalk.truncated(List.of()));
    }

    @Test
    void componentsSplitAtEachNulAndKeepACutLastOne() {
        byte[] b = "xxtrue\0bin\0us".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("true", "bin", "us"), DentryWalk.components(b, 2, b.length - 2));
        assertEquals(List.of("true"), DentryWalk.components(b, 2, 5));
        assertEquals(List.of(), DentryWalk.components(b, 0, 0));
        assertEquals(List.of("", "a"), DentryWalk.components(new byte[] {0, 'a', 0}, 0, 3), "an empty name is kept");
        assertEquals(List.of("\ufffd"), DentryWalk.components(new byte[] {(byte) 0xff, 0}, 0, 2), "invalid UTF-8 for display");
        assertThrows(IllegalArgumentException.class, () -> DentryWalk.components(b, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> DentryWalk.components(b, -1, 1));
    }

    @Test
    void roomForLessThanOneNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DentryWalk.Out(Reg.R9, 0, 0, 16, DentryWalk.NAME_MAX - 1));
        assertEquals(DentryWalk.NAME_MAX, new DentryWalk.Out(Reg.R9, 0, 0, 16, DentryWalk.NAME_MAX).room());
    }
}
