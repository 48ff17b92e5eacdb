package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.boxscope.trace.filter.Field;
import io.boxscope.trace.filter.FieldSource;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.Value;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compiled filter remembers each string comparison per name string (CompiledFilter.StringCheck's table): an
 * event on an fd or of a thread seen before is answered from the table. These cases rename the record between
 * events (the same fd number closed and opened on another file, a dup onto an open fd number, an execve renaming
 * the thread, another thread's fd 3 interleaved) and check that the answer follows the name: the expected
 * answers are written out by hand, and each event's compiled answer (one filter, one reusable ScapFields over the
 * whole file, as {@code trace -r} reads) equals the interpreted one.
 */
class RenamedRecordsTest {
    @TempDir
    Path dir;

    private final SyscallScript s = new SyscallScript();

    private void execve(long tid, String comm) {
        s.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_E", s.next(), tid, 0).str("/bin/" + comm).build());
        s.add(ScapEvent.builder("PPME_SYSCALL_EXECVE_19_X", s.next(), tid, 0).num(0).str("/bin/" + comm)
                .bytes(Fixtures.nul("x")).num(tid).num(tid).num(1).str("/root/").num(1024).num(0).num(12).num(2000).num(500)
                .num(0).str(comm).bytes(Fixtures.nul("cpu=/")).bytes(Fixtures.nul("HOME=/root")).num(34816).num(tid).num(0)
                .num(0).build());
    }

    @Test
    void cachedAnswersFollowRenamedFdsAndThreads() throws Exception {
        CaptureTables base = Fixtures.tables();
        List<ThreadInfo> threads = new ArrayList<>(base.threads());
        threads.add(ThreadInfo.of(100, 100, 1, "bash", "/bin/bash", List.of(), "/", 0, 0));
        threads.add(ThreadInfo.of(200, 200, 1, "sh", "/bin/sh", List.of(), "/", 0, 0));
        CaptureTables tables = new CaptureTables(base.machine(), base.interfaces(), base.users(), base.groups(), threads,
                Map.of(200L, List.of(FdInfo.file(3, 9, "/tmp/x", 3, 0))));
        s.open(100, 3, "/etc/hosts");
        s.read(100, 3);       // read 1: /etc/hosts, bash
        s.read(200, 3);       // read 2: another thread's fd 3, /tmp/x, sh
        s.read(100, 3);       // read 3: /etc/hosts again, after the other name
        s.close(100, 3);
        s.open(100, 3, "/tmp/y");
        s.read(100, 3);       // read 4: the same fd number, now /tmp/y
        s.read(200, 3);       // read 5: /tmp/x
        s.open(100, 4, "/etc/passwd");
        s.dup(100, 4, 3);
        s.read(100, 3);       // read 6: fd 3 is /etc/passwd now
        s.read(100, 4);       // read 7: /etc/passwd
        execve(100, "cat");
        s.read(100, 3);       // read 8: /etc/passwd, the thread is cat now
        s.read(200, 3);       // read 9: /tmp/x, sh
        s.close(100, 3);
        s.open(100, 3, "/etc/hosts");
        s.read(100, 3);       // read 10: /etc/hosts once more (a new string, the same characters as read 1's)
        Path file = dir.resolve("renamed.scap");
        try (ScapWriter w = ScapWriter.create(file, tables, false)) {
            for (ScapEvent e : s.events()) {
                w.write(e);
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        //                                                        reads: 1      2      3      4      5      6      7      8      9      10
        assertReads(bytes, "fd.name contains /etc",                List.of(true, false, true, false, false, true, true, true, false, true));
        assertReads(bytes, "fd.name startswith /tmp",              List.of(false, true, false, true, true, false, false, false, true, false));
        assertReads(bytes, "fd.name endswith hosts",               List.of(true, false, true, false, false, false, false, false, false, true));
        assertReads(bytes, "fd.name=/etc/passwd",                  List.of(false, false, false, false, false, true, true, true, false, false));
        assertReads(bytes, "fd.name!=/tmp/x",                      List.of(true, false, true, true, false, true, true, true, false, true));
        assertReads(bytes, "proc.name=bash",                       List.of(true, false, true, true, false, true, true, false, false, false));
        assertReads(bytes, "proc.name=cat",                        List.of(false, false, false, false, false, false, false, true, false, true));
        assertReads(bytes, "proc.name contains a and fd.name contains /etc",
                                                                   List.of(true, false, true, false, false, true, true, true, false, true));
    }

    /** Reads {@code file} once with one compiled filter: the read exits' answers, and compiled = interpreted on every event. */
    private static void assertReads(byte[] file, String text, List<Boolean> expected) throws Exception {
        Filter f = Filter.compile(text, CompiledFilterTest.SERVICES);
        List<Boolean> reads = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        try (ScapReader r = ScapReader.of(new ByteArrayInputStream(file))) {
            Inspector insp = new Inspector(r.tables());
            EventFormatter fmt = new EventFormatter(insp, ZoneOffset.UTC);
            ScapFields fields = ScapFields.reusable(fmt, insp);
            int n = 0;
            for (ScapEvent e; (e = r.nextOrNull()) != null; ) {
                fmt.apply(e);
                n++;
                boolean interpreted = f.matchesInterpreted(new ScapFields(fmt, insp, e));
                boolean compiled = f.matches(fields.at(e));
                if (compiled != interpreted) {
                    wrong.add("event " + n + " " + EventFormatter.typeName(e) + ": compiled " + compiled);
                }
                if (e.infoOrNull() != null && e.infoOrNull().name().equals("read") && !e.infoOrNull().isEnter()) {
                    reads.add(compiled);
                }
            }
            assertNull(r.failure());
        }
        assertEquals(List.of(), wrong, text);
        assertEquals(expected, reads, text);
    }

    /**
     * Strings with the same hash (one slot of the table) and strings of the same characters in different objects,
     * alternating: each answer is its own string's, not the slot's last one.
     */
    @Test
    void stringsSharingASlotKeepTheirOwnAnswers() {
        // "Aa" and "BB" have the same String.hashCode, so do "AaAa", "BBBB", "AaBB" and "BBAa"
        assertEquals("Aa".hashCode(), "BB".hashCode());
        assertEquals("AaAa".hashCode(), "BBBB".hashCode());
        Filter contains = Filter.compile("proc.name contains Aa", CompiledFilterTest.SERVICES);
        Filter equal = Filter.compile("proc.name=BBBB", CompiledFilterTest.SERVICES);
        List<String> names = List.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", new String("Aa".toCharArray()),
                new String("BB".toCharArray()), "Aa", "BB");
        List<Boolean> containsGot = new ArrayList<>();
        List<Boolean> equalGot = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (String name : names) {
                FieldSource src = ref -> ref.field() == Field.PROC_NAME ? new Value.Text(name) : null;
                containsGot.add(contains.matches(src));
                equalGot.add(equal.matches(src));
            }
        }
        List<Boolean> containsOnce = List.of(true, false, true, false, true, true, true, false, true, false);
        List<Boolean> equalOnce = List.of(false, false, false, true, false, false, false, false, false, false);
        List<Boolean> containsWant = new ArrayList<>();
        List<Boolean> equalWant = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            containsWant.addAll(containsOnce);
            equalWant.addAll(equalOnce);
        }
        assertEquals(containsWant, containsGot);
        assertEquals(equalWant, equalGot);
    }
}
