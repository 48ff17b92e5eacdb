package io.boxscope.trace.chisel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.trace.scap.BufferFormat;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parts of memcachelog, udp_extract, spectrogram and subsecoffset that need no capture: Lua 5.1's
 * {@code tonumber} (the manual, section 5.1: decimal, hex with 0x, exponent, surrounding white space; anything
 * else nil), udp_extract's file names (udp_extract.lua's two gsubs, as sysdig 0.29 named the files of a real
 * capture: {@code 127.0.0.1_47001--127.0.0.1_47002}) kept inside the directory for hostile fd names, and the
 * refusals sysdig prints. The byte-for-byte comparisons with sysdig are cli's TraceAppChiselTest.
 */
class AppChiselsTest {
    @Test
    void luaTonumber() {
        assertEquals(5.0, MemcacheLog.luaNumber("5"));
        assertEquals(12.0, MemcacheLog.luaNumber(" 12\t"));
        assertEquals(16.0, MemcacheLog.luaNumber("0x10"));
        assertEquals(1000.0, MemcacheLog.luaNumber("1e3"));
        assertEquals(2.5, MemcacheLog.luaNumber("2.5"));
        assertEquals(-3.0, MemcacheLog.luaNumber("-3"));
        assertNull(MemcacheLog.luaNumber("5..hello.."));
        assertNull(MemcacheLog.luaNumber(""));
        assertNull(MemcacheLog.luaNumber("noreply"));
        assertNull(MemcacheLog.luaNumber("0x"));
    }

    @Test
    void udpFileNamesAreTheLuasAndStayInTheDirectory() {
        assertEquals("127.0.0.1_47001--127.0.0.1_47002", UdpExtract.fileName("127.0.0.1:47001->127.0.0.1:47002"));
        assertEquals("__1_53--__1_40000", UdpExtract.fileName("::1:53->::1:40000"));
        for (String hostile : List.of("../../etc/passwd", "..", ".", "/etc/x", "a\0b", "x\u001b[2J")) {
            String n = UdpExtract.fileName(hostile);
            Path p = Path.of("/d").resolve(n).normalize();
            assertEquals(Path.of("/d"), p.getParent(), hostile + " -> " + n);
            assertFalse(n.contains("/"), n);
        }
    }

    @Test
    void refusals() {
        ChiselContext file = ChiselContext.of(false);
        ChiselContext live = new ChiselContext(false, BufferFormat.DOTS, true, false, Path.of(""));
        ChiselInitException e = assertThrows(ChiselInitException.class, () -> Chisels.create("udp_extract", List.of(), live));
        assertEquals("live capture not supported", e.printed());
        assertEquals("init() for chisel udp_extract failed.", e.getMessage());
        assertFalse(e.exited());
        assertTrue(Chisels.create("udp_extract", List.of(), file) instanceof UdpExtract);
        for (String c : List.of("spectrogram", "subsecoffset")) {
            e = assertThrows(ChiselInitException.class, () -> Chisels.create(c, List.of(), file));
            assertEquals("This chisel only works on ANSI terminals. Aborting.", e.printed());
            e = assertThrows(ChiselInitException.class, () -> Chisels.create(c, List.of("abc"), file));
            assertEquals("Input refresh_time must be a number.", e.printed());
            assertTrue(e.exited());
        }
        assertThrows(IllegalArgumentException.class, () -> Chisels.create("memcachelog", List.of("set"), file));
        assertThrows(IllegalArgumentException.class, () -> Chisels.create("memcachelog", List.of("set", "big"), file));
        assertTrue(Chisels.create("memcachelog", List.of("set", "1000"), file) instanceof MemcacheLog);
    }
}
