package io.boxscope.trace.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.trace.scap.EventFormatter;
import io.boxscope.trace.scap.Inspector;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapFields;
import io.boxscope.trace.scap.ScapReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link ScapFields} answers every field as sysdig 0.29.3 does on the real capture eval/capture.scap:
 * its values are compared with sysdig's own dump of every field for every event (eval/fields.txt, which
 * SysdigEvalParityTest re-makes with the installed sysdig), and the filters of eval/expected.tsv select,
 * evaluated over the file itself, the events sysdig selects (where documented sysdig bugs differ, the
 * boxscope column).
 */
class ScapFieldsTest {
    /**
     * Fields whose printed value is not the one sysdig filters on (docs/trace.md): evt.rawarg.* prints
     * values it never compares, evt.buflen prints for events it does not filter on. Their filtering is
     * covered by FilterEvalTest and by the expected.tsv selections below.
     */
    static final Set<String> PRINTED_DIFFERS = Set.of("evt.rawarg.res", "evt.rawarg.size", "evt.rawarg.name", "evt.buflen");

    /** The events of capture.scap, each with its fields read right after the inspector applied it. */
    static List<FieldSource> fileEvents() throws IOException {
        List<FieldSource> out = new ArrayList<>();
        try (InputStream in = ScapFieldsTest.class.getResourceAsStream("eval/capture.scap");
             ScapReader r = ScapReader.of(in)) {
            Inspector insp = new Inspector(r.tables());
            EventFormatter fmt = new EventFormatter(insp, ZoneOffset.UTC);
            for (ScapEvent e; (e = r.nextOrNull()) != null; ) {
                fmt.next(e);
                ScapFields f = new ScapFields(fmt, insp, e);
                // freeze the answers now: the inspector moves on with the next event
                Map<String, Value> values = new HashMap<>();
                for (String name : SysdigEvalParityTest.FIELDS) {
                    values.put(name, f.get(ref(name)));
                }
                for (Field fo : Field.values()) {
                    for (Field c : fo.compares()) {
                        values.put(c.fieldName(), f.get(FieldRef.of(c)));
                    }
                }
                Map<Integer, Value> anames = new HashMap<>();
                Map<Integer, Value> apids = new HashMap<>();
                for (int n = -10; n < 10; n++) {
                    anames.put(n, f.get(new FieldRef(Field.PROC_ANAME, null, n, FieldType.CHARBUF)));
                    apids.put(n, f.get(new FieldRef(Field.PROC_APID, null, n, FieldType.INT64)));
                }
                out.add(ref -> {
                    if (ref.field() == Field.PROC_ANAME && ref.index() != null) {
                        return anames.get(ref.index());
                    }
                    if (ref.field() == Field.PROC_APID && ref.index() != null) {
                        return apids.get(ref.index());
                    }
                    if (!values.containsKey(ref.toString())) {
                        throw new IllegalStateException("field not frozen for the test: " + ref);
                    }
                    return values.get(ref.toString());
                });
            }
        }
        return out;
    }

    static FieldRef ref(String name) {
        return ((Expr.Check) Filter.compile(name + " exists", FilterCorpusTest.SERVICES).root()).field();
    }

    /** A value as sysdig -p prints it. */
    static String printed(FieldRef ref, Value v) throws IOException {
        if (v == null) {
            return "<NA>";
        }
        return switch (v) {
            case Value.Text t -> t.value();
            case Value.Num n -> ref.type().kind() == FieldType.Kind.UNSIGNED ? Long.toUnsignedString(n.value()) : Long.toString(n.value());
            case Value.Bool b -> Boolean.toString(b.value());
            case Value.Addr a -> InetAddress.getByAddress(a.bytes()).getHostAddress();
            case Value.Bytes b -> new String(b.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            case Value.Net n -> throw new IllegalStateException("a source never returns a network");
        };
    }

    @Test
    void everyFieldIsWhatSysdigPrintsForTheFile() throws IOException {
        List<FieldSource> events = fileEvents();
        String[] lines = SysdigEvalParityTest.resource("fields.txt").split("\n");
        assertEquals(lines.length, events.size());
        List<String> wrong = new ArrayList<>();
        int compared = 0;
        for (int i = 0; i < lines.length; i++) {
            for (String kv : lines[i].split("\u001f")) {
                if (kv.isEmpty()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                String name = kv.substring(0, eq);
                if (PRINTED_DIFFERS.contains(name)) {
                    continue;
                }
                FieldRef ref = ref(name);
                String got = printed(ref, events.get(i).get(ref));
                compared++;
                if (!got.equals(kv.substring(eq + 1))) {
                    wrong.add("event " + (i + 1) + " " + name + ": sysdig " + kv.substring(eq + 1) + ", boxscope " + got);
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(compared > 26 * 60, "compared " + compared);
    }

    @Test
    void filtersOverTheFileSelectWhatSysdigSelects() throws IOException {
        List<FieldSource> events = fileEvents();
        List<String> wrong = new ArrayList<>();
        for (SysdigEvalParityTest.Expectation e : SysdigEvalParityTest.expectations()) {
            String got = SysdigEvalParityTest.selected(Filter.compile(e.filter(), FilterCorpusTest.SERVICES), events);
            if (!got.equals(e.boxscope())) {
                wrong.add("[" + e.filter() + "]: expected {" + e.boxscope() + "}, selected {" + got + "}");
            }
        }
        assertEquals(List.of(), wrong);
    }
}
