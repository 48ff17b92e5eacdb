package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link ScapWriter}'s writer thread ({@link WriteBehind}): the same bytes as writing from the framing thread, a
 * bounded hand-off, and a failing stream reported to the framing thread instead of hanging it.
 */
class WriteBehindTest {
    /**
     * The same events, generic, numbers-only and built, and one larger than the buffer, written twice: once with a
     * flush after each (every byte written by the framing thread: the writer thread never starts, a flush writes the
     * pending buffer itself) and once without (about 6 MiB: the full buffers go through the writer thread). The two
     * streams are byte for byte the same.
     */
    @Test
    void theWriterThreadWritesTheBytesTheFramingThreadWrites() throws Exception {
        ByteArrayOutputStream sync = new ByteArrayOutputStream();
        ByteArrayOutputStream behind = new ByteArrayOutputStream();
        try (ScapWriter a = ScapWriter.to(sync, Fixtures.tables()); ScapWriter b = ScapWriter.to(behind, Fixtures.tables())) {
            write(a, true);
            write(b, false);
        }
        assertTrue(behind.size() > 4 * ScapWriter.PENDING, "too few bytes to pass through the writer thread: " + behind.size());
        assertArrayEquals(sync.toByteArray(), behind.toByteArray());
    }

    private static void write(ScapWriter w, boolean flushEach) throws IOException {
        long t = Fixtures.T0;
        byte[] sizes = {8, 4};
        long[] values = new long[2];
        java.lang.foreign.MemorySegment buf = java.lang.foreign.MemorySegment.ofArray(new byte[64]);
        int readE = EventTable.get().byConstant("PPME_SYSCALL_READ_E").id();
        for (int i = 0; i < 60_000; i++) {
            w.writeGeneric(t += 10, 4000 + i % 3, i % 2, true, 300, 110);
            values[0] = i;
            values[1] = 4096;
            w.writeNumbers(t += 10, 4000, i % 2, readE, sizes, values, -1, buf, 0, -1);
            w.write(ScapEvent.builder("PPME_SYSCALL_READ_X", t += 10, 4000, 0).num(i).bytes(new byte[i % 50]).build());
            if (i == 30_000) {
                w.write(ScapEvent.builder("PPME_PLUGINEVENT_E", t += 10, 4000, 0).num(7).bytes(new byte[3 << 19]).build());
            }
            w.writeGeneric(t += 10, 4000, i % 2, false, 300, 110);
            if (flushEach) {
                w.flush();
            }
        }
    }

    /**
     * A stream that blocks every write of an event buffer (the header's small blocks pass): the framing thread fills
     * the buffers the writer thread holds or has queued and then waits (the hand-off is bounded), having framed at
     * most {@code DEPTH + 1} buffers' worth of events (one being written, {@code DEPTH - 1} queued, one being filled
     * and handed over). Released, every byte arrives.
     */
    @Test
    void aStalledFileHoldsTheFramingThreadBackAfterABoundedNumberOfBuffers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong written = new AtomicLong();
        OutputStream blocking = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len >= BIG) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                written.addAndGet(len);
            }
        };
        ScapWriter stalled = ScapWriter.to(blocking, Fixtures.tables());
        long header = stalled.offset();
        assertEquals(header, written.get());
        AtomicLong framed = new AtomicLong();
        Thread framer = Thread.ofPlatform().start(() -> {
            try {
                long t = Fixtures.T0;
                for (int i = 0; i < 400_000; i++) {
                    stalled.writeGeneric(t += 10, 4000, 0, true, 300, 110);
                    framed.incrementAndGet();
                }
                stalled.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (framer.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(Thread.State.WAITING, framer.getState(), "the framing thread never waited for the stalled file");
        long bound = (long) (WriteBehind.DEPTH + 1) * ScapWriter.PENDING / 48 + 1;
        assertTrue(framed.get() <= bound, framed.get() + " events framed with the file stalled, more than " + bound);
        assertEquals(header, written.get(), "an event buffer went past the stalled stream");
        release.countDown();
        framer.join(TimeUnit.SECONDS.toMillis(120));
        assertEquals(400_000L, framed.get());
        assertEquals(header + 400_000L * 48, written.get(), "every event reached the stream once released");
    }

    /** Writes of at least this many bytes are event buffers (the header's blocks are smaller). */
    private static final int BIG = 1 << 16;

    /**
     * A stream that fails once the writer thread writes an event buffer to it: the failure reaches the framing
     * thread (at its next hand-off or at close, naming the cause) instead of being lost or leaving it waiting for a
     * dead thread.
     */
    @Test
    void aFailingFileIsReportedToTheFramingThread() throws Exception {
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len >= BIG) {
                    throw new IOException("No space left on device");
                }
            }
        };
        ScapWriter w = ScapWriter.to(failing, Fixtures.tables());
        IOException e = assertThrows(IOException.class, () -> {
            try (w) {
                long t = Fixtures.T0;
                for (int i = 0; i < 1_000_000; i++) {
                    w.writeGeneric(t += 10, 4000, 0, true, 300, 110);
                }
            }
        });
        assertTrue(String.valueOf(e.getMessage()).contains("No space left on device"), String.valueOf(e));
    }

    /**
     * A stream whose write throws an {@link Error} (not an IOException): the writer thread keeps it and still hands the
     * buffer back, and the framing thread gets an IOException naming it instead of waiting for ever for a free buffer.
     * The harness's timeout only stops a hang; nothing is timed.
     */
    @Test
    void anErrorFromTheStreamReachesTheFramingThreadAsAnIOException() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (len >= BIG) {
                    throw new InternalError("controller reset");
                }
            }
        };
        IOException e = assertTimeoutPreemptively(Duration.ofMinutes(5), () -> assertThrows(IOException.class, () -> frame(broken)));
        assertTrue(String.valueOf(e.getMessage()).contains("controller reset"), String.valueOf(e));
        assertInstanceOf(InternalError.class, e.getCause());
    }

    /**
     * An interrupt from outside ends the writer thread: it is kept as a failure, and the framing thread's waits notice
     * the ended thread and throw instead of hanging.
     */
    @Test
    void anInterruptedWriterThreadIsReportedNotWaitedFor() {
        OutputStream interrupting = new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (len >= BIG) {
                    Thread.currentThread().interrupt(); // the writer thread's own flag: its next take() ends it
                }
            }
        };
        IOException e = assertTimeoutPreemptively(Duration.ofMinutes(5), () -> assertThrows(IOException.class, () -> frame(interrupting)));
        assertTrue(String.valueOf(e.getMessage()).contains("interrupted"), String.valueOf(e));
    }

    /** A million events to {@code out} through a writer that is then closed. */
    private static void frame(OutputStream out) throws IOException {
        try (ScapWriter w = ScapWriter.to(out, Fixtures.tables())) {
            long t = Fixtures.T0;
            for (int i = 0; i < 1_000_000; i++) {
                w.writeGeneric(t += 10, 4000, 0, true, 300, 110);
            }
        }
    }
}
