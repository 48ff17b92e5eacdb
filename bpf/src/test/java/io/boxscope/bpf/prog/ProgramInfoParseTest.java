package io.boxscope.bpf.prog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** {@link ProgramInfo#parse} on the struct lengths older kernels return, and on lengths no kernel returns. */
class ProgramInfoParseTest {
    /** A struct bpf_prog_info laid out as include/uapi/linux/bpf.h says, every field set. */
    private static byte[] info() {
        ByteBuffer b = ByteBuffer.allocate(ProgramInfo.BUFFER).order(ByteOrder.nativeOrder());
        b.putInt(0, 5).putInt(4, 4242);
        byte[] name = "count_openat".getBytes(StandardCharsets.US_ASCII);
        b.put(64, name);
        b.putLong(192, 1_000).putLong(200, 10).putLong(208, 262);
        return b.array();
    }

    @Test
    void aKernelWithRecursionMissesFillsEveryField() {
        ProgramInfo i = ProgramInfo.parse(info(), 232);
        assertEquals(ProgramType.TRACEPOINT, i.programType());
        assertEquals(4242, i.id());
        assertEquals("count_openat", i.name());
        assertEquals(OptionalLong.of(1_000), i.runTimeNs());
        assertEquals(OptionalLong.of(10), i.runCount());
        assertEquals(OptionalLong.of(262), i.recursionMisses());
    }

    /** Linux 5.1 to 5.11: run statistics but no recursion_misses (the struct ended after run_cnt). */
    @Test
    void aKernelBeforeRecursionMissesLeavesThemUnknown() {
        ProgramInfo i = ProgramInfo.parse(info(), 208);
        assertEquals(OptionalLong.of(10), i.runCount());
        assertTrue(i.recursionMisses().isEmpty(), "absent, not 0: " + i);
    }

    /** Linux 4.13: the first struct, without a name or statistics. */
    @Test
    void theFirstStructHasOnlyTypeAndId() {
        ProgramInfo i = ProgramInfo.parse(info(), 40);
        assertEquals(4242, i.id());
        assertEquals("", i.name());
        assertTrue(i.runTimeNs().isEmpty() && i.runCount().isEmpty() && i.recursionMisses().isEmpty(), i.toString());
    }

    @Test
    void aNameFillingAllSixteenBytesHasNoTerminatorAndStillEnds() {
        byte[] b = info();
        java.util.Arrays.fill(b, 64, 80, (byte) 'x');
        assertEquals("x".repeat(16), ProgramInfo.parse(b, 232).name());
    }

    @Test
    void anUnknownProgramTypeIsNotGuessed() {
        byte[] b = info();
        ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).putInt(0, 999);
        ProgramInfo i = ProgramInfo.parse(b, 232);
        assertEquals(999, i.type());
        assertEquals(null, i.programType());
    }

    @Test
    void lengthsOutsideTheBufferAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ProgramInfo.parse(new byte[16], 17));
        assertThrows(IllegalArgumentException.class, () -> ProgramInfo.parse(new byte[16], -1));
        assertEquals(-1, ProgramInfo.parse(new byte[16], 0).type());
    }
}
