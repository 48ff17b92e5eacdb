package io.boxscope.tools.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import io.boxscope.proc.InetText;

/**
 * Addresses as the socket tools' scripts print them (tcpconnect.bt, tcplife.bt): the tracepoint's
 * address bytes in memory order packed into integers by arithmetic, {@code a[0] | a[1] << 8 | ...}, an
 * IPv4 address in one, an IPv6 address in two (bytes 0-7, 8-15); turned back into inet_ntop(3)'s text here.
 *
 * <p>Byte order: the scripts build the integer with shifts, so its <em>value</em> has byte 0 in the low
 * bits on every architecture, big-endian s390x included; the integer then travels through the ring buffer
 * and the probe runtime as a value (decoded in host order there). So {@code LITTLE_ENDIAN} below is the
 * scripts' packing, not the host's order, and is right on both orders ({@code PackedAddressTest}).
 */
public final class PackedAddress {
    private PackedAddress() {}

    /** An IPv4 address packed in the low 32 bits. */
    public static String v4(long packed) {
        return InetText.ipv4(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) packed).array(), 0);
    }

    /** An IPv6 address packed in two integers. */
    public static String v6(long hi, long lo) {
        return InetText.ipv6(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(hi).putLong(lo).array());
    }

    /** Whether a packed IPv6 address is IPv4-mapped (::ffff:0:0/96: bytes 0-9 zero, 10-11 0xff). */
    public static boolean mapped(long hi, long lo) {
        return hi == 0 && (lo & 0xffffffffL) == 0xffff0000L;
    }
}
