package io.boxscope.trace.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filters select the same events as sysdig 0.29.3 does on a real capture file (eval/capture.scap):
 * boxscope evaluates each filter over the field values sysdig prints for each event, and must pick
 * the events sysdig picks (eval/expected.tsv, where documented sysdig bugs differ). When sysdig is
 * installed (always under CI and as root), both files are re-made by sysdig and compared.
 */
class SysdigEvalParityTest {
    /** The fields fields.txt has, in its order. */
    static final List<String> FIELDS = List.of("evt.num", "evt.time", "evt.latency", "evt.dir", "evt.type", "evt.category",
            "evt.cpu", "evt.args", "evt.info", "evt.buflen", "evt.res", "evt.rawres", "evt.failed", "evt.is_io",
            "evt.is_io_read", "evt.is_io_write", "proc.pid", "proc.exe", "proc.name", "proc.args", "proc.cmdline",
            "proc.cwd", "proc.ppid", "proc.pname", "thread.tid", "thread.ismain", "thread.vtid", "proc.vpid",
            "proc.exepath", "user.uid", "user.name", "group.gid", "group.name", "container.id", "container.name",
            "container.image", "container.type", "fd.num", "fd.type", "fd.typechar", "fd.name", "fd.directory",
            "fd.filename", "fd.cip", "fd.sip", "fd.lip", "fd.rip", "fd.cport", "fd.sport", "fd.lport", "fd.rport",
            "fd.l4proto", "fd.sockfamily", "fd.is_server", "proc.aname[0]", "proc.aname[1]", "proc.aname[2]",
            "proc.aname[3]", "proc.apid[0]", "proc.apid[1]", "proc.apid[2]", "proc.apid[3]", "evt.arg.fd",
            "evt.arg.name", "evt.arg.res", "evt.arg.size", "evt.arg.data", "evt.arg[0]", "evt.arg[1]",
            "evt.rawarg.res", "evt.rawarg.size", "evt.rawarg.name");

    record Expectation(String sysdig, String boxscope, String filter) {}

    static String resource(String name) throws IOException {
        try (InputStream in = SysdigEvalParityTest.class.getResourceAsStream("eval/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<Expectation> expectations() throws IOException {
        List<Expectation> out = new ArrayList<>();
        for (String line : resource("expected.tsv").split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", 3);
            out.add(new Expectation(f[0], f[1].equals("=") ? f[0] : f[1], f[2]));
        }
        return out;
    }

    /** One event's values as sysdig printed them; "<NA>" is sysdig's "absent". */
    static List<FieldSource> events(String fieldsText) {
        List<FieldSource> out = new ArrayList<>();
        for (String line : fieldsText.split("\n")) {
            Map<String, String> values = new HashMap<>();
            for (String kv : line.split("\u001f")) {
                if (!kv.isEmpty()) {
                    int eq = kv.indexOf('=');
                    values.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            out.add(ref -> {
                String v = values.get(ref.toString());
                if (v == null || v.equals("<NA>")) {
                    return null;
                }
                return switch (ref.type().kind()) {
                    case STRING, BUFFER, DOUBLE -> new Value.Text(v);
                    case SIGNED, UNSIGNED -> new Value.Num(Long.parseLong(v));
                    case BOOL -> new Value.Bool(Boolean.parseBoolean(v));
                    case ADDRESS, NETWORK -> new Value.Addr(v.contains(".") ? ValueParser.ipv4(v) : ValueParser.ipv6(v));
                };
            });
        }
        return out;
    }

    static String selected(Filter f, List<FieldSource> events) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            if (f.matches(events.get(i))) {
                sb.append(sb.isEmpty() ? "" : " ").append(i + 1);
            }
        }
        return sb.toString();
    }

    @Test
    void boxscopeSelectsTheEventsSysdigSelects() throws IOException {
        List<FieldSource> events = events(resource("fields.txt"));
        assertEquals(26, events.size());
        List<String> wrong = new ArrayList<>();
        for (Expectation e : expectations()) {
            String got = selected(Filter.compile(e.filter(), FilterCorpusTest.SERVICES), events);
            if (!got.equals(e.boxscope())) {
                wrong.add("[" + e.filter() + "]: expected {" + e.boxscope() + "}, selected {" + got + "}");
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(expectations().size() > 120);
    }

    static String sysdigOutput(Path capture, String format, String filter) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Sysdig.require().toString(), "-r", capture.toString(), "-p", format));
        if (filter != null) {
            cmd.add(filter);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TZ", "UTC");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "sysdig finished");
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test
    void expectationsAreWhatTheInstalledSysdigDoes(@TempDir Path dir) throws Exception {
        Sysdig.require();
        Path capture = dir.resolve("capture.scap");
        try (InputStream in = SysdigEvalParityTest.class.getResourceAsStream("eval/capture.scap")) {
            Files.write(capture, in.readAllBytes());
        }
        StringBuilder format = new StringBuilder("*");
        for (String f : FIELDS) {
            format.append(f).append("=%").append(f).append('\u001f');
        }
        assertEquals(resource("fields.txt"), sysdigOutput(capture, format.toString(), null), "fields.txt is sysdig's dump");
        List<String> wrong = new ArrayList<>();
        for (Expectation e : expectations()) {
            String got = sysdigOutput(capture, "*%evt.num", e.filter()).strip().replace('\n', ' ');
            if (!got.equals(e.sysdig())) {
                wrong.add("[" + e.filter() + "]: expected {" + e.sysdig() + "}, sysdig selected {" + got + "}");
            }
        }
        assertEquals(List.of(), wrong);
    }
}
