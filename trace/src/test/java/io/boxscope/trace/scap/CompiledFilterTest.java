package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.ServiceNames;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The compiled filter ({@link Filter#matches}: evt.type decided per event number, string fields read as
 * Strings with a memory of the last one) keeps exactly the events the interpreted one
 * ({@link Filter#matchesInterpreted}) keeps, event by event, on two captures: eval/capture.scap (a shell, cat,
 * files, a TCP connect: 26 real events) with all filters of eval/expected.tsv, and the parity fixture (84
 * events: clone, execve, files, sockets of every family, generic events) with filters aimed at each kind of
 * compiled check. Each filter is compiled once and evaluated over the whole file, so the per-key and
 * last-string memories are carried from event to event as in a capture.
 */
class CompiledFilterTest {
    static final ServiceNames SERVICES = ServiceNames.parse("http 80/tcp\n");

    /** One filter per compiled check kind and operator, and their combinations. */
    static final List<String> FILTERS = List.of(
            // evt.type: decided per type key (generic events per system call)
            "evt.type=openat", "evt.type!=openat", "evt.type=read", "evt.type in (read, write, connect)",
            "not evt.type in (read, write)", "evt.type=close or evt.type=dup", "evt.type<read", "evt.type>=open",
            "evt.type exists", "evt.type=syscall", "evt.type=mkdir", "evt.type=unlinkat or evt.type=getcwd",
            "evt.type in (clone, execve, procexit)",
            // string fields read as Strings: proc.name, fd.name, and fields through the default text()
            "proc.name=cat", "proc.name!=cat", "proc.name contains a", "proc.name icontains BA",
            "proc.name startswith c", "proc.name endswith sh", "proc.name glob 'c?t'", "proc.name glob '[a-c]*'",
            "proc.name in (cat, bash)", "proc.name pmatch (/cat)", "proc.name<cat", "proc.name>=bash",
            "proc.name exists", "not proc.name exists", "proc.name=", "fd.name contains /etc", "fd.name=/etc/passwd",
            "fd.name startswith /", "fd.name endswith passwd", "fd.name pmatch (/etc, /tmp)", "fd.name exists",
            "fd.name != /etc/passwd", "fd.name icontains ETC", "fd.name glob '*pass*'", "fd.name contains 127.0.0.1",
            "fd.directory=/etc", "fd.filename=passwd", "proc.exepath=/bin/cat", "proc.cmdline contains passwd",
            "user.name=root", "evt.dir=<", "evt.res=SUCCESS", "evt.arg.name contains etc", "evt.info contains fd=",
            "container.id=host", "proc.cwd=/root", "fd.type=file", "fd.typechar=f", "evt.category=file",
            // interpreted kinds beside compiled ones
            "proc.aname=bash", "proc.apid[1]>0", "fd.ip=127.0.0.1", "fd.port=80", "fd.net=127.0.0.0/8",
            "evt.failed=true and proc.name=cat", "proc.pid>0 and evt.type=openat and fd.name contains /etc",
            "(evt.type=openat or evt.type=open) and not fd.name startswith /proc", "evt.type=openat and proc.name=cat",
            "not (proc.name=cat or evt.type=read)");

    @Test
    void expectedTsvFiltersAgreeOnTheEvalCapture() throws IOException {
        List<String> filters = new ArrayList<>();
        for (String line : resource("/io/boxscope/trace/filter/eval/expected.tsv").split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                filters.add(line.split("\t", 3)[2]);
            }
        }
        assertTrue(filters.size() >= 200, "filters: " + filters.size());
        filters.addAll(FILTERS);
        byte[] file;
        try (InputStream in = CompiledFilterTest.class.getResourceAsStream("/io/boxscope/trace/filter/eval/capture.scap")) {
            file = in.readAllBytes();
        }
        assertAgree(filters, file, 26);
    }

    @Test
    void aimedFiltersAgreeOnTheParityFixture() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.nio.file.Path p = java.nio.file.Files.createTempFile("compiled", ".scap");
        try {
            try (ScapWriter w = ScapWriter.create(p, Fixtures.tables(), false)) {
                for (ScapEvent e : Fixtures.events()) {
                    w.write(e);
                }
            }
            out.write(java.nio.file.Files.readAllBytes(p));
        } finally {
            java.nio.file.Files.delete(p);
        }
        assertAgree(FILTERS, out.toByteArray(), 80);
    }

    /**
     * Generic events (PPME_GENERIC_E/X) of three system calls, interleaved: evt.type is the system call's name, so
     * the compiled check must tell them apart by their ID, not by the event number they share.
     */
    @Test
    void genericEventsOfDifferentSystemCallsAgree() throws IOException {
        List<Integer> ids = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int id = 1; id < 400 && ids.size() < 3; id++) {
            String name = EventTable.get().syscallName(id).orElse(null);
            if (name != null && !names.contains(name)) {
                ids.add(id);
                names.add(name);
            }
        }
        assertEquals(3, ids.size());
        List<ScapEvent> events = new ArrayList<>();
        long ts = Fixtures.T0;
        for (int round = 0; round < 4; round++) {
            for (int k = 0; k < 3; k++) {
                int id = ids.get((k + round) % 3);
                events.add(ScapEvent.builder("PPME_GENERIC_E", ts += 1000, 4242, 0).num(id).num(0).build());
                events.add(ScapEvent.builder("PPME_GENERIC_X", ts += 1000, 4242, 0).num(id).build());
            }
        }
        java.nio.file.Path p = java.nio.file.Files.createTempFile("generic", ".scap");
        byte[] file;
        try {
            try (ScapWriter w = ScapWriter.create(p, Fixtures.tables(), false)) {
                for (ScapEvent e : events) {
                    w.write(e);
                }
            }
            file = java.nio.file.Files.readAllBytes(p);
        } finally {
            java.nio.file.Files.delete(p);
        }
        assertAgree(List.of("evt.type=" + names.get(1), "evt.type!=" + names.get(0),
                "evt.type in (" + names.get(0) + ", " + names.get(2) + ")", "evt.type=" + names.get(2) + " and evt.dir=<"),
                file, 24);
    }

    /**
     * Strings that are not ASCII, or hold a NUL, against ASCII and non-ASCII values: the compiled string check
     * compares such an ASCII value with the characters (no UTF-8 copy), the interpreted one with the bytes.
     */
    @Test
    void nonAsciiStringsAgree() {
        List<String> names = List.of("caté", "é/etc/x", "/etc/é", "a\0/etc", "ÉTC", "etc", "", "日本/etc", "x\u00ffetc");
        List<String> filters = new ArrayList<>();
        for (String op : List.of("=", "!=", "contains", "startswith", "endswith", "icontains", "glob", "<", ">=")) {
            for (String v : List.of("etc", "/etc", "caté", "é", "'*etc*'", "ÉTC", "x")) {
                filters.add("proc.name " + op + " " + v);
            }
        }
        filters.add("proc.name in (etc, caté, ÉTC)");
        filters.add("proc.name pmatch (/etc, é)");
        List<String> wrong = new ArrayList<>();
        int kept = 0;
        for (String text : filters) {
            Filter f = Filter.compile(text, SERVICES);
            for (String name : names) {
                io.boxscope.trace.filter.FieldSource src = ref -> ref.field() == io.boxscope.trace.filter.Field.PROC_NAME
                        ? new io.boxscope.trace.filter.Value.Text(name) : null;
                boolean interpreted = f.matchesInterpreted(src);
                kept += interpreted ? 1 : 0;
                if (f.matches(src) != interpreted) {
                    wrong.add("[" + text + "] on [" + name + "]: interpreted " + interpreted);
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(kept > filters.size(), "kept " + kept);
    }

    /** Every filter over every event of {@code file}: compiled and interpreted agree, and some events are kept. */
    private static void assertAgree(List<String> filters, byte[] file, int minEvents) throws IOException {
        List<String> wrong = new ArrayList<>();
        int kept = 0;
        int events = 0;
        for (String text : filters) {
            Filter f = Filter.compile(text, SERVICES);
            try (ScapReader r = ScapReader.of(new java.io.ByteArrayInputStream(file))) {
                Inspector insp = new Inspector(r.tables());
                EventFormatter fmt = new EventFormatter(insp, ZoneOffset.UTC);
                events = 0;
                for (ScapEvent e; (e = r.nextOrNull()) != null; ) {
                    fmt.apply(e);
                    events++;
                    // a fresh ScapFields for each: the interpreted one must not profit from what the compiled one resolved
                    boolean compiled = f.matches(new ScapFields(fmt, insp, e));
                    boolean interpreted = f.matchesInterpreted(new ScapFields(fmt, insp, e));
                    if (compiled != interpreted) {
                        wrong.add("[" + text + "] event " + events + " (" + EventFormatter.typeName(e) + "): compiled "
                                + compiled + ", interpreted " + interpreted);
                    }
                    kept += interpreted ? 1 : 0;
                }
                assertEquals(null, r.failure());
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(events >= minEvents, "events: " + events);
        assertTrue(kept > filters.size(), "the filters kept " + kept + " events in all: too few to compare anything");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = CompiledFilterTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
