package io.boxscope.tools.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The packing is the scripts' arithmetic (tcpconnect.bt: {@code saddr[0] | saddr[1] << 8 | ...}), done here
 * the same way by hand, so the expectations hold whatever the host's byte order (s390x is big-endian).
 */
class PackedAddressTest {
    /** What the scripts compute: byte i of the address at bits 8*i of the integer. */
    private static long pack(int... bytes) {
        long v = 0;
        for (int i = 0; i < bytes.length; i++) {
            v |= (long) (bytes[i] & 0xff) << (8 * i);
        }
        return v;
    }

    @Test
    void ipv4IsByteZeroFirst() {
        assertEquals("10.1.2.254", PackedAddress.v4(pack(10, 1, 2, 254)));
        assertEquals("127.0.0.1", PackedAddress.v4(pack(127, 0, 0, 1)));
    }

    @Test
    void ipv6IsTwoPackedHalves() {
        long hi = pack(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0);
        long lo = pack(0, 0, 0, 0, 0, 0, 0, 1);
        assertEquals("2001:db8::1", PackedAddress.v6(hi, lo));
        assertFalse(PackedAddress.mapped(hi, lo));
    }

    @Test
    void ipv4MappedIsRecognisedAndItsLastFourBytesAreTheAddress() {
        long lo = pack(0, 0, 0xff, 0xff, 192, 168, 7, 9);
        assertTrue(PackedAddress.mapped(0, lo));
        assertEquals("192.168.7.9", PackedAddress.v4(lo >>> 32));
    }
}
