package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import io.boxscope.trace.scap.ParamValue;
import org.junit.jupiter.api.Test;

/**
 * The unix-socket record the probe writes (family 1, u64 own sock at 8, u64 peer sock at 16, two 108-byte
 * paths after the 56-byte inet layout) and the SOCKTUPLE made from it, byte by byte as the driver lays it
 * out: u8 family, u64 first sock, u64 second sock, the path and a NUL (ppm_events.c fd_to_socktuple).
 */
class SockAddrsTest {
    private static byte[] record(long sk, long peer, String local, String peerPath) {
        ByteBuffer b = ByteBuffer.allocate(56 + 216).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) 1).putLong(8, sk).putLong(16, peer);
        b.put(56, local.getBytes(StandardCharsets.UTF_8));
        b.put(56 + 108, peerPath.getBytes(StandardCharsets.UTF_8));
        return b.array();
    }

    private static byte[] expected(long first, long second, String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 16 + p.length + 1).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 1).putLong(first).putLong(second).put(p).put((byte) 0).array();
    }

    @Test
    void acceptIsOwnSockThenPeerWithOwnPathConnectIsPeerThenOwnWithPeersPath() {
        SockAddrs.SockInfo server = SockAddrs.sockInfo(record(0xffff8881aaaa0000L, 0xffff8881bbbb0000L, "/run/x.sock", ""));
        assertArrayEquals(expected(0xffff8881aaaa0000L, 0xffff8881bbbb0000L, "/run/x.sock"), SockAddrs.tuple(server, null, true));
        SockAddrs.SockInfo client = SockAddrs.sockInfo(record(0xffff8881bbbb0000L, 0xffff8881aaaa0000L, "", "/run/x.sock"));
        ParamValue.SockAddr to = SockAddrs.parse(new byte[] {1, 0, '/', 'o', 't', 'h', 'e', 'r', 0});
        assertArrayEquals(expected(0xffff8881aaaa0000L, 0xffff8881bbbb0000L, "/run/x.sock"), SockAddrs.tuple(client, to, false));
    }

    @Test
    void withoutAPeerConnectNamesThePathTheCallerGave() {
        SockAddrs.SockInfo client = SockAddrs.sockInfo(record(0xffff8881bbbb0000L, 0, "", ""));
        ParamValue.SockAddr to = SockAddrs.parse(new byte[] {1, 0, '/', 'g', 'o', 'n', 'e', 0});
        assertEquals("/gone", to.path());
        assertArrayEquals(expected(0, 0xffff8881bbbb0000L, "/gone"), SockAddrs.tuple(client, to, false));
    }

    @Test
    void anAbstractNameLosesItsLeadingNulAsInTheDriver() {
        assertEquals("abs", SockAddrs.parse(new byte[] {1, 0, 0, 'a', 'b', 's'}).path());
    }

    @Test
    void aUnixRecordWithoutThePathsIsNotRead() {
        byte[] inetSized = new byte[56];
        inetSized[0] = 1;
        assertNull(SockAddrs.sockInfo(inetSized));
    }
}
