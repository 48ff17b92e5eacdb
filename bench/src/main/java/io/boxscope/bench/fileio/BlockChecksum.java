package io.boxscope.bench.fileio;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.zip.CRC32;
import io.boxscope.bench.workload.Xoroshiro;

/**
 * The block layout of sysbench 1.0.20's --validate (sb_fileio.c: file_fill_buffer,
 * file_validate_buffer), so that files either tool writes validate in the other. A block of
 * {@code len} bytes (one request: a block, or --file-merged-requests blocks) is
 * <ul>
 * <li>{@code len - 12} random bytes, one draw of the thread's generator per byte (its low 8 bits,
 * as sysbench's {@code sb_rand_uniform_uint64() & 0xFF}: filling a block moves the generator
 * exactly as far as sysbench's does, so --rand-seed gives the same offsets afterwards);</li>
 * <li>the CRC-32 of those bytes (zlib's polynomial, which sysbench's bundled crc32.c and
 * {@link CRC32} both compute), a 4-byte int in the machine's byte order;</li>
 * <li>the block's offset in its file, an 8-byte long (sysbench's {@code long} on 64-bit Linux) in
 * the machine's byte order.</li>
 * </ul>
 * A read checks the checksum first, then the offset (a block copied to the wrong place keeps a good
 * checksum but names another offset).
 */
public final class BlockChecksum {
    private BlockChecksum() {}

    /** The checksum (4 bytes) and the offset (8 bytes) at the end of every block. */
    public static final int TRAILER_BYTES = 12;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    /** Why a block read back is not the one written there. */
    public sealed interface Mismatch {
        /** The checksum of the block's data is not the one stored after it (unsigned 32-bit values). */
        record Checksum(long offset, long calculated, long stored) implements Mismatch {}

        /** The checksum is right but the block says it was written at another offset. */
        record Offset(long actual, long stored) implements Mismatch {}
    }

    /** Fills {@code buf[0, len)} with random bytes, their checksum and {@code offset}. */
    public static void fill(MemorySegment buf, long len, long offset, Xoroshiro rnd) {
        long data = len - TRAILER_BYTES;
        for (long i = 0; i < data; i++) {
            buf.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextLong());
        }
        buf.set(INT, data, (int) crc(buf, data));
        buf.set(LONG, data + 4, offset);
    }

    /** Checks a block read from {@code offset}; null when it is the block written there. */
    public static Mismatch check(MemorySegment buf, long len, long offset) {
        long data = len - TRAILER_BYTES;
        long calculated = crc(buf, data);
        long stored = Integer.toUnsignedLong(buf.get(INT, data));
        if (calculated != stored) {
            return new Mismatch.Checksum(offset, calculated, stored);
        }
        long storedOffset = buf.get(LONG, data + 4);
        if (storedOffset != offset) {
            return new Mismatch.Offset(offset, storedOffset);
        }
        return null;
    }

    private static long crc(MemorySegment buf, long n) {
        CRC32 c = new CRC32();
        c.update(buf.asSlice(0, n).asByteBuffer());
        return c.getValue();
    }
}
