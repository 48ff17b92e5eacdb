package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What we write, sysdig 0.29 reads and prints exactly as we do; what sysdig writes back, we read. */
class SysdigParityTest {
    @TempDir
    Path dir;

    static List<String> ourLines(ScapCapture c) {
        EventFormatter f = new EventFormatter(new Inspector(c.tables()), ZoneId.of("UTC"));
        List<String> out = new ArrayList<>();
        for (ScapEvent e : c.events()) {
            String line = f.next(e);
            if (line != null) {
                out.add(line);
            }
        }
        return out;
    }

    private Path write(String name, boolean gzip) throws Exception {
        Path p = dir.resolve(name);
        try (ScapWriter w = ScapWriter.create(p, Fixtures.tables(), gzip)) {
            for (ScapEvent e : Fixtures.events()) {
                w.write(e);
            }
            w.writeDrops(Fixtures.T0 + 999_999, new long[] {0, 3});
        }
        return p;
    }

    @Test
    void sysdigPrintsEveryEventAsWeDo() throws Exception {
        Path ours = write("ours.scap", false);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ours)));
        ScapCapture c = ScapReader.readAll(ours);
        assertNull(c.error());
        List<String> mine = ourLines(c);
        List<String> theirs = Sysdig.run("-r", ours.toString());
        long hidden = Fixtures.events().stream().filter(ScapEvent::stateOnly).count();
        assertEquals(Fixtures.events().size() - hidden, mine.size());
        Files.write(dir.resolve("theirs.txt"), theirs);
        Files.write(dir.resolve("mine.txt"), mine);
        Files.write(Path.of("target/parity-theirs.txt"), theirs);
        Files.write(Path.of("target/parity-mine.txt"), mine);
        assertEquals(String.join("\n", theirs), String.join("\n", mine));
    }

    /**
     * kill()'s signal parameter (SIGTYPE) for every signal number 1..64 and a few beyond: named as bpf's
     * {@link io.boxscope.bpf.Signals} names them where sysdig names them, the number alone where it does not
     * (the real-time signals); sysdig 0.29 prints the same lines.
     */
    @Test
    void signalNamesAsSysdigPrintsThem() throws Exception {
        Path p = dir.resolve("signals.scap");
        long ts = Fixtures.T0;
        try (ScapWriter w = ScapWriter.create(p, Fixtures.tables(), false)) {
            for (int sig = 1; sig <= 70; sig++) {
                w.write(ScapEvent.builder("PPME_SYSCALL_KILL_E", ts += 1000, 4000, 0).num(4001).num(sig).build());
                w.write(ScapEvent.builder("PPME_SYSCALL_KILL_X", ts += 1000, 4000, 0).num(0).build());
            }
        }
        ScapCapture c = ScapReader.readAll(p);
        List<String> mine = ourLines(c);
        assertEquals(140, mine.size());
        assertTrue(mine.get(0).endsWith("sig=1(SIGHUP) "), mine.get(0));
        assertTrue(mine.get(2 * 8).endsWith("sig=9(SIGKILL) "), mine.get(2 * 8));
        assertEquals(String.join("\n", Sysdig.run("-r", p.toString())), String.join("\n", mine));
    }

    @Test
    void fieldsMatchSysdigs() throws Exception {
        Path ours = write("fields.scap", false);
        List<String> theirs = Sysdig.run("-r", ours.toString(), "-p", "*%evt.num|%evt.type|%proc.name|%fd.name|%evt.res|%evt.dir");
        ScapCapture c = ScapReader.readAll(ours);
        List<ScapEvent> events = c.events();
        long hidden = events.stream().filter(ScapEvent::stateOnly).count();
        assertEquals(events.size() - 1 - hidden, theirs.size(), "every event but the drop record and state-only ones: " + theirs);
        // evt.type, evt.dir, proc.name, fd.name and evt.res as our inspector computes them, by evt.num
        Inspector in = new Inspector(c.tables());
        EventFormatter fmt = new EventFormatter(in, java.time.ZoneId.of("UTC"));
        int next = 0;
        for (String line : theirs) {
            String[] f = line.split("\\|", -1);
            int num = Integer.parseInt(f[0]);
            while (next < num - 1) {
                in.apply(events.get(next++));
            }
            ScapEvent e = events.get(next++);
            in.apply(e);
            EventInfo info = e.info().orElseThrow();
            assertEquals(EventFormatter.typeName(e), f[1], line);
            assertEquals(String.valueOf(info.direction()), f[5], line);
            assertEquals(f[2], in.thread(e.tid()).comm(), line);
            // fd.name as the fields give it: the event's fd entry, else (a failed open) the path it tried
            String fdName = ScapFields.reusable(fmt, in).at(e).text(io.boxscope.trace.filter.FieldRef.of(io.boxscope.trace.filter.Field.FD_NAME));
            assertEquals(f[3], fdName == null ? "<NA>" : fdName, line);
            assertEquals(f[4], EventFormatter.result(e), line);
        }
    }

    @Test
    void topscallsCountsWhatWeWrote() throws Exception {
        Path ours = write("top.scap", false);
        List<String> theirs = Sysdig.run("-r", ours.toString(), "-c", "topscalls");
        // topscalls counts every event by evt.type, both directions, internal ones included (it filters only 'switch')
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (ScapEvent e : ScapReader.readAll(ours).events()) {
            if (e.stateOnly()) {
                continue; // sysdig's chisels never see state-only events
            }
            counts.merge(EventFormatter.typeName(e), 1, Integer::sum);
        }
        java.util.Map<String, Integer> sysdigCounts = new java.util.TreeMap<>();
        for (String l : theirs) {
            String[] f = l.trim().split("\\s+");
            if (f.length == 2 && f[0].matches("\\d+")) {
                sysdigCounts.put(f[1], Integer.parseInt(f[0]));
            }
        }
        assertEquals(counts, sysdigCounts, String.join("\n", theirs));
    }

    @Test
    void whatSysdigRewritesReadsBackTheSame() throws Exception {
        for (boolean gzip : new boolean[] {false, true}) {
            Path ours = write(gzip ? "ours.scap.gz" : "ours2.scap", gzip);
            Path theirs = dir.resolve(gzip ? "theirs-gz.scap" : "theirs.scap");
            Sysdig.run("-r", ours.toString(), "-w", theirs.toString());
            ScapCapture read = ScapReader.readAll(ours);
            // sysdig -w drops state-only events (SCAP_DF_STATE_ONLY): they exist to update its tables
            ScapCapture a = new ScapCapture(read.tables(), read.events().stream().filter(e -> !e.stateOnly()).toList(), 0, null);
            ScapCapture b = ScapReader.readAll(theirs);
            assertNull(b.error());
            assertEquals(a.events().size(), b.events().size());
            for (int i = 0; i < a.events().size(); i++) {
                ScapEvent x = a.events().get(i);
                ScapEvent y = b.events().get(i);
                assertEquals(new ScapEvent(x.ts(), x.tid(), x.cpu(), x.type(), x.params(), 0),
                        new ScapEvent(y.ts(), y.tid(), y.cpu(), y.type(), y.params(), 0), "event " + i);
            }
            assertEquals(ourLines(a), ourLines(b));
            assertEquals(a.tables().users(), b.tables().users());
            assertEquals(a.tables().groups(), b.tables().groups());
        }
    }
}
