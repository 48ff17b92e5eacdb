package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files as older sysdig versions wrote them: process list version 5 (no session, exe path or login uid),
 * fd list version 1 (entries without lengths), version 1 event blocks (no parameter count: events carry
 * as many parameters as their length allows, fewer than today's table for old event versions). Built
 * block by block here, then read by us and by sysdig 0.29.
 */
class OldFormatTest {
    @TempDir
    Path dir;

    private static ScapWriter.Block shb() {
        return new ScapWriter.Block(BlockType.SHB).u32(BlockType.SHB_MAGIC).u16(1).u16(0).u64(-1L);
    }

    private static byte[] oldEvent(long ts, long tid, int type, byte[]... params) {
        int len = 22 + 2 * params.length;
        for (byte[] p : params) {
            len += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(ts).putLong(tid).putInt(len).putShort((short) type);
        for (byte[] p : params) {
            b.putShort((short) p.length);
        }
        for (byte[] p : params) {
            b.put(p);
        }
        return b.array();
    }

    private static byte[] i64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    @Test
    void version5ProcessListAndVersion1EventsReadAsSysdigReadsThem() throws Exception {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(shb().finish());
        ScapWriter.Block pl = new ScapWriter.Block(BlockType.PL_V5);
        pl.u64(900).u64(900).u64(1).str16("oldproc", ScapWriter.MAX_PATH).str16("/usr/bin/oldproc", ScapWriter.MAX_PATH).list16(List.of("-x"), ScapWriter.MAX_LIST).str16("/var/", ScapWriter.MAX_PATH)
                .u64(1024).u32(0).u32(0).u32(0).u32(100).u32(50).u32(0).u64(0).u64(3).list16(List.of("A=1"), ScapWriter.MAX_LIST)
                .u64(900).u64(900).list16(List.of("cpu=/"), ScapWriter.MAX_LIST).str16("/", ScapWriter.MAX_PATH);
        f.write(pl.finish());
        ScapWriter.Block fdl = new ScapWriter.Block(BlockType.FDL);
        fdl.u64(900).u64(0).u64(1).u8(FdType.FILE.ordinal()).str16("/dev/null", ScapWriter.MAX_PATH);
        f.write(fdl.finish());
        long ts = 1_600_000_000_000_000_000L;
        int openE = EventTable.get().byConstant("PPME_SYSCALL_OPEN_E").id();
        int openX = EventTable.get().byConstant("PPME_SYSCALL_OPEN_X").id();
        int writeE = EventTable.get().byConstant("PPME_SYSCALL_WRITE_E").id();
        // open's enter had no parameters and its exit four (no dev) in old drivers
        byte[][] events = {
            oldEvent(ts + 1, 900, openE),
            oldEvent(ts + 2, 900, openX, i64(3), str("data.txt"), u32(1), u32(0)),
            oldEvent(ts + 3, 900, writeE, i64(0), u32(5)),
        };
        for (byte[] e : events) {
            ScapWriter.Block ev = new ScapWriter.Block(BlockType.EV);
            ev.u16(1).bytes(e);
            f.write(ev.finish());
        }
        Path p = dir.resolve("old.scap");
        Files.write(p, f.toByteArray());

        ScapCapture c = ScapReader.readAll(p);
        assertNull(c.error());
        assertEquals(3, c.events().size());
        assertEquals(0, c.events().get(0).params().size());
        assertEquals(4, c.events().get(1).params().size());
        ThreadInfo t = c.tables().threads().get(0);
        assertEquals("oldproc", t.comm());
        assertEquals(List.of("A=1"), t.env());
        assertEquals(-1, t.sid());
        assertEquals("/dev/null", c.tables().fds().get(900L).get(0).name());
        assertEquals(Sysdig.run("-r", p.toString()), SysdigParityTest.ourLines(c));
    }
}
