package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reader's reused event ({@link ScapReader#nextView()}): one object refilled from one block buffer. What is
 * checked: it reads the same events as {@link ScapReader#next()}; an event kept with {@link ScapEvent#kept()} is
 * not overwritten by the next one; the inspector's enter kept for its exit pairing survives the events read
 * after it; damaged files (stale bytes of a larger block left in the reused buffer) fail as they do without reuse.
 */
class EventViewReuseTest {
    private static byte[] capture(List<ScapEvent> events) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ScapWriter w = ScapWriter.to(out, Fixtures.tables())) {
            for (ScapEvent e : events) {
                w.write(e);
            }
        }
        return out.toByteArray();
    }

    private static ScapReader reader(byte[] file) throws Exception {
        return ScapReader.of(new ByteArrayInputStream(file));
    }

    /** What a read gives: each event's kept copy, then the error that ended it (or "end"). */
    private static List<Object> read(byte[] file, boolean views) throws Exception {
        List<Object> out = new ArrayList<>();
        try (ScapReader r = reader(file)) {
            for (ScapEvent e; (e = views ? r.nextView() : r.nextOrNull()) != null; ) {
                out.add(e.kept());
            }
            out.add(r.failure() == null ? "end" : r.failure().getMessage());
        } catch (ScapFormatException e) {
            out.add("header: " + e.getMessage()); // a cut inside the header blocks, before any event
        }
        return out;
    }

    @Test
    void viewsReadTheSameEventsAsFreshOnes() throws Exception {
        byte[] file = capture(Fixtures.events());
        List<ScapEvent> fresh = new ArrayList<>();
        List<ScapEvent> seen = new ArrayList<>();
        try (ScapReader a = reader(file); ScapReader b = reader(file)) {
            ScapEvent first = null;
            for (ScapEvent e; (e = a.nextOrNull()) != null; ) {
                ScapEvent v = b.nextView();
                assertNotNull(v, "the view ended before event " + fresh.size());
                assertTrue(v.isView());
                assertEquals(e, v, "event " + fresh.size());
                assertEquals(e.encodedLength(), v.encodedLength());
                assertEquals(java.util.Arrays.toString(e.encode()), java.util.Arrays.toString(v.encode()));
                first = first == null ? v : first;
                assertSame(first, v, "one object for every event");
                fresh.add(e);
                seen.add(v.kept());
            }
            assertEquals(null, b.nextView());
        }
        assertEquals(Fixtures.events(), fresh);
        assertEquals(fresh, seen);
        assertTrue(fresh.size() > 20, "the fixture has " + fresh.size() + " events");
    }

    @Test
    void aKeptEventIsNotOverwrittenButTheViewIs() throws Exception {
        List<ScapEvent> events = Fixtures.events();
        try (ScapReader r = reader(capture(events))) {
            ScapEvent view = r.nextView();
            ScapEvent kept = view.kept();
            assertNotSame(view, kept);
            assertTrue(!kept.isView());
            assertSame(kept, kept.kept(), "an immutable event is kept as it is");
            ScapEvent next = r.nextView();
            assertSame(view, next);
            assertEquals(events.get(0), kept, "the copy kept the first event");
            assertEquals(events.get(1), view, "the view now holds the second");
            assertNotEquals(kept, view);
            // a parameter's bytes taken from the view before the refill belong to the event before
            byte[] p0 = view.params().get(0).clone();
            r.nextView();
            assertEquals(events.get(2), view);
            assertEquals(java.util.Arrays.toString(events.get(1).params().get(0)), java.util.Arrays.toString(p0));
        }
    }

    /**
     * The inspector keeps each thread's last enter for its exit (the fd a read uses, the socket a connect
     * names): with views the enter is copied, so every line and fd.name, exits included, is the same as with fresh
     * events, though another thread's events come between an enter and its exit.
     */
    @Test
    void exitPairingSurvivesTheEventsReadAfterTheEnter() throws Exception {
        List<ScapEvent> events = new ArrayList<>(Fixtures.events());
        // an enter of 4242, then events of another thread (4000) with larger blocks, then 4242's exit
        long ts = events.getLast().ts();
        byte[] big = new byte[3000];
        java.util.Arrays.fill(big, (byte) 'x');
        events.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_E", ts += 1000, 4242, 0).num(-100).str("/etc/hosts")
                .num(0).num(0).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_OPENAT_2_X", ts += 1000, 4242, 0).num(7).num(-100).str("/etc/hosts")
                .num(0).num(0).num(0).build());
        long readEnterTs = ts += 1000;
        events.add(ScapEvent.builder("PPME_SYSCALL_READ_E", readEnterTs, 4242, 0).num(7).num(100).build());
        ScapEvent readEnter = events.getLast();
        // events of a number beyond the table, which the reader skips: the block after the kept enter is read
        // into an array of the reader's, and the one after the skipped event too, never into the enter's
        events.add(new ScapEvent(ts += 1000, 4000, 1, 1000, List.of(big), 0));
        events.add(new ScapEvent(ts += 1000, 4000, 1, 1001, List.of(new byte[7]), 0));
        events.add(ScapEvent.builder("PPME_SYSCALL_WRITE_E", ts += 1000, 4000, 1).num(1).num(big.length).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_WRITE_X", ts += 1000, 4000, 1).num(big.length).bytes(big).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_READ_X", ts += 1000, 4242, 0).num(5).bytes("127.0".getBytes()).build());
        byte[] file = capture(events);
        List<String> fresh = lines(file, false);
        List<String> views = lines(file, true);
        assertEquals(fresh, views);
        String last = views.getLast();
        assertTrue(last.contains("< read res=5 data=127.0") && last.endsWith(" | fd.name=/etc/hosts"), last);
        try (ScapReader r = reader(file)) {
            Inspector in = new Inspector(r.tables());
            ScapEvent kept = null;
            for (ScapEvent e; (e = r.nextView()) != null; ) {
                in.apply(e);
                if (e.ts() == readEnterTs) {
                    kept = in.thread(4242).lastEnter();
                    assertNotSame(e, kept, "the inspector keeps its own event, not the view");
                }
            }
            assertNotNull(kept);
            assertEquals(readEnter, kept, "4242's read enter, after 4000's write and two skipped events");
            assertEquals(2, r.skippedUnknown());
        }
    }

    private static List<String> lines(byte[] file, boolean views) throws Exception {
        List<String> out = new ArrayList<>();
        try (ScapReader r = reader(file)) {
            Inspector in = new Inspector(r.tables());
            EventFormatter fmt = new EventFormatter(in, ZoneOffset.UTC);
            for (ScapEvent e; (e = views ? r.nextView() : r.nextOrNull()) != null; ) {
                String line = fmt.next(e);
                if (line != null) {
                    // the exit's fd comes from its enter, which the inspector kept
                    String fd = new ScapFields(fmt, in, e).text(io.boxscope.trace.filter.FieldRef.parse("fd.name"));
                    out.add(line + " | fd.name=" + fd);
                }
            }
        }
        return out;
    }

    /**
     * Hostile input: a large block, then a small one whose parameter lengths claim more than its event holds
     * (the reused buffer still has the large block's bytes behind it): refused as without reuse.
     */
    @Test
    void staleBytesOfALargerBlockAreNeverRead() throws Exception {
        List<ScapEvent> events = new ArrayList<>();
        byte[] big = new byte[5000];
        java.util.Arrays.fill(big, (byte) 'y');
        events.add(ScapEvent.builder("PPME_SYSCALL_WRITE_X", Fixtures.T0, 4000, 0).num(big.length).bytes(big).build());
        events.add(ScapEvent.builder("PPME_SYSCALL_WRITE_X", Fixtures.T0 + 1, 4000, 0).num(4).bytes("abcd".getBytes()).build());
        byte[] file = capture(events);
        // the last block: header (8), cpu (2), ppm_evt_hdr (26), lengths (2 x 2): the buffer's length is the second
        int lastBlock = lastBlockOffset(file);
        int bufLen = lastBlock + 8 + 2 + ScapEvent.HEADER_SIZE + 2;
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putShort(bufLen, (short) 4000);
        List<Object> fresh = read(file, false);
        List<Object> views = read(file, true);
        assertEquals(fresh, views);
        assertEquals(2, views.size(), views.toString());
        assertEquals(events.getFirst(), views.getFirst());
        assertTrue(views.getLast().toString().contains("parameter lengths add up to"), views.getLast().toString());
    }

    private static int lastBlockOffset(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int o = 0;
        int last = 0;
        while (o < file.length) {
            last = o;
            o += b.getInt(o + 4);
        }
        return last;
    }

    /** Random damage anywhere in the file: the same events and the same error with views as without. */
    @Test
    void damagedFilesReadTheSameWithViews() throws Exception {
        byte[] clean = capture(Fixtures.events());
        Random rnd = new Random(13);
        for (int round = 0; round < 400; round++) {
            byte[] f = clean.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                f[rnd.nextInt(f.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextBoolean()) {
                f = java.util.Arrays.copyOf(f, rnd.nextInt(f.length));
            }
            assertEquals(read(f, false), read(f, true), "round " + round);
        }
    }
}
