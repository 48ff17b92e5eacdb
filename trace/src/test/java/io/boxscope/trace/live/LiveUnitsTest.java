package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import io.boxscope.bpf.sys.Arch;
import org.junit.jupiter.api.Test;

/**
 * Pure parts of the live capture. Open flags: expectations are PPM_O_* sums from libs' flags table
 * (flags.tsv) for flag sets sysdig printed on this machine's captures ({@code 4097(O_RDONLY|O_CLOEXEC)},
 * {@code 262(O_TRUNC|O_CREAT|O_WRONLY)}); kernel values from include/uapi/asm-generic/fcntl.h.
 */
class LiveUnitsTest {
    /** sysdig's 8 MiB per CPU as one ring: rounded up to a power of two, 16 MiB at least, 1 GiB at most. */
    @Test
    void theDefaultRingIsEightMibPerCpu() {
        int mib = 1 << 20;
        assertEquals(16 * mib, LiveCapture.defaultRingBytes(0));
        assertEquals(16 * mib, LiveCapture.defaultRingBytes(1));
        assertEquals(16 * mib, LiveCapture.defaultRingBytes(2));
        assertEquals(32 * mib, LiveCapture.defaultRingBytes(3));
        assertEquals(32 * mib, LiveCapture.defaultRingBytes(4));
        assertEquals(64 * mib, LiveCapture.defaultRingBytes(5));
        assertEquals(1024 * mib, LiveCapture.defaultRingBytes(128));
        assertEquals(1024 * mib, LiveCapture.defaultRingBytes(4096));
    }

    @Test
    void openFlagsAsTheDriverRecordsThem() {
        OpenFlags x86 = OpenFlags.of(Arch.X86_64);
        assertEquals(1 | 4096, x86.toScap(02000000));               // O_RDONLY|O_CLOEXEC
        assertEquals(2 | 4 | 256, x86.toScap(01 | 0100 | 01000));   // O_WRONLY|O_CREAT|O_TRUNC
        assertEquals(3 | 8 | 64, x86.toScap(02 | 02000 | 04000));   // O_RDWR|O_APPEND|O_NONBLOCK
        assertEquals(1 | 16 | 128, x86.toScap(010000));             // O_DSYNC: the driver's O_SYNC test matches it too
        assertEquals(1 | 1024 | 8192, x86.toScap(0200000));         // O_DIRECTORY: and its O_TMPFILE test
        assertEquals(0, x86.mode(0, 0644));
        assertEquals(0644, x86.mode(0100, 0100644));
        OpenFlags arm = OpenFlags.of(Arch.AARCH64);
        assertEquals(1 | 1024 | 8192, arm.toScap(040000));          // arm64's O_DIRECTORY
        assertEquals(1 | 512, arm.toScap(0200000));                 // arm64's O_DIRECT
        OpenFlags ppc = OpenFlags.of(Arch.PPC64LE);                 // arch/powerpc/include/uapi/asm/fcntl.h
        assertEquals(1 | 1024 | 8192, ppc.toScap(040000));          // O_DIRECTORY
        assertEquals(1 | 512, ppc.toScap(0400000));                 // O_DIRECT
        assertEquals(1 | 2048, ppc.toScap(0200000));                // O_LARGEFILE
        OpenFlags s390 = OpenFlags.of(Arch.S390X);                  // asm-generic, as x86_64
        assertEquals(1 | 1024 | 8192, s390.toScap(0200000));
    }

    @Test
    void recordsParseAndBadLengthsAreRefused() {
        MemorySegment m = MemorySegment.ofArray(new byte[RawRecord.DATA + 5]);
        m.set(ValueLayout.JAVA_SHORT_UNALIGNED, RawRecord.KIND, (short) RawRecord.EXIT);
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, RawRecord.PID_TGID, (42L << 32) | 43);
        m.set(ValueLayout.JAVA_LONG_UNALIGNED, RawRecord.RET, -2);
        m.set(ValueLayout.JAVA_SHORT_UNALIGNED, RawRecord.LENS + 2 * 2, (short) 5);
        m.asSlice(RawRecord.DATA, 5).copyFrom(MemorySegment.ofArray("hello".getBytes()));
        RawRecord r = RawRecord.parse(m);
        assertEquals(42, r.pid());
        assertEquals(43, r.tid());
        assertEquals(-2, r.ret());
        assertArrayEquals("hello".getBytes(), r.buf());
        assertEquals(0, r.strA().length);

        m.set(ValueLayout.JAVA_SHORT_UNALIGNED, RawRecord.LENS + 2 * 2, (short) 6);
        assertThrows(IllegalArgumentException.class, () -> RawRecord.parse(m));
        assertThrows(IllegalArgumentException.class, () -> RawRecord.parse(MemorySegment.ofArray(new byte[10])));
        assertEquals("/etc", RawRecord.string("/etc\0".getBytes()));
    }
}
