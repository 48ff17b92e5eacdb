package io.boxscope.tools.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import io.boxscope.tools.execsnoop.Execsnoop;
import io.boxscope.tools.opensnoop.Opensnoop;
import io.boxscope.tools.tcpconnect.Tcpconnect;
import org.junit.jupiter.api.Test;

/** A negative -u says what to give (libbpf-tools' "Invalid UID", then what a UID is), in every tool that takes one. */
class UidOptionTest {
    @Test
    void aNegativeUidSaysWhatToGive() {
        String want = "invalid UID -1 (give a user id, 0 or above)";
        assertEquals(want, assertThrows(IllegalArgumentException.class,
                () -> new Execsnoop.Options(false, -1, Execsnoop.DEFAULT_MAX_ARGS, null, null)).getMessage());
        assertEquals(want, assertThrows(IllegalArgumentException.class, () -> new Opensnoop.Options(null, -1, false, null)).getMessage());
        assertEquals(want, assertThrows(IllegalArgumentException.class, () -> new Tcpconnect.Options(-1, Set.of())).getMessage());
    }
}
