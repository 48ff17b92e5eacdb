package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.trace.filter.Expr;
import io.boxscope.trace.filter.FieldRef;
import io.boxscope.trace.filter.FieldType;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.ServiceNames;
import io.boxscope.trace.filter.Value;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the scap branch's parity fixture (clone, execve, files, IPv4/IPv6/unix/UDP sockets, dup, eventfd,
 * signalfd, timerfd, inotify, poll, generic events...), {@link ScapFields} gives every field the value
 * {@code sysdig -r FILE -p} prints for it, event by event, and filters keep the lines sysdig keeps.
 */
class ScapFieldsSysdigTest {
    /** The catalogue's fields that have a value of their own (not the filter-only ones). */
    static final List<String> FIELDS = List.of("evt.num", "evt.time", "evt.latency", "evt.dir", "evt.type", "evt.category",
            "evt.cpu", "evt.args", "evt.info", "evt.res", "evt.rawres", "evt.failed", "evt.is_io",
            "evt.is_io_read", "evt.is_io_write", "proc.pid", "proc.exe", "proc.name", "proc.args", "proc.cmdline",
            "proc.cwd", "proc.ppid", "proc.pname", "thread.tid", "thread.ismain", "thread.vtid", "proc.vpid",
            "proc.exepath", "user.uid", "user.name", "group.gid", "group.name", "container.id", "container.name",
            "container.image", "container.type", "fd.num", "fd.type", "fd.typechar", "fd.name", "fd.directory",
            "fd.filename", "fd.cip", "fd.sip", "fd.lip", "fd.rip", "fd.cport", "fd.sport", "fd.lport", "fd.rport",
            "fd.l4proto", "fd.sockfamily", "fd.is_server", "fd.connected", "fd.name_changed", "fd.cip.name", "fd.sip.name",
            "fd.lip.name", "fd.rip.name", "proc.aname[0]", "proc.aname[1]", "proc.aname[2]",
            "proc.apid[1]", "proc.apid[2]", "evt.arg.fd", "evt.arg.name", "evt.arg.res", "evt.arg.size",
            "evt.arg[0]", "evt.arg[1]", "evt.arg[2]");

    static final ServiceNames SERVICES = ServiceNames.parse("http 80/tcp\n");

    @TempDir
    Path dir;

    private Path fixture() throws Exception {
        Path p = dir.resolve("fixture.scap");
        try (ScapWriter w = ScapWriter.create(p, Fixtures.tables(), false)) {
            for (ScapEvent e : Fixtures.events()) {
                w.write(e);
            }
        }
        Sysdig.moveToTheFuture(p); // the host-name fields: sysdig's answer must not depend on its resolver thread
        return p;
    }

    static FieldRef ref(String name) {
        // fd.*ip.name compares only with =, != and in (FilterChecker, as sysdig's compare_domain)
        return ((Expr.Check) Filter.compile(name + (name.endsWith("ip.name") ? "=x" : " exists"), SERVICES).root()).field();
    }

    static String printed(FieldRef ref, Value v) throws Exception {
        if (v == null) {
            return "<NA>";
        }
        return switch (v) {
            case Value.Text t -> t.value();
            case Value.Num n -> ref.type().kind() == FieldType.Kind.UNSIGNED ? Long.toUnsignedString(n.value()) : Long.toString(n.value());
            case Value.Bool b -> Boolean.toString(b.value());
            case Value.Addr a -> a.bytes().length == 16 ? EventFormatter.ipv6(a.bytes()) : InetAddress.getByAddress(a.bytes()).getHostAddress();
            case Value.Bytes b -> new String(b.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            case Value.Net n -> throw new IllegalStateException("a source never returns a network");
        };
    }

    @Test
    void everyFieldIsWhatSysdigPrints() throws Exception {
        Path p = fixture();
        StringBuilder format = new StringBuilder("*");
        for (String f : FIELDS) {
            format.append(f).append("=%").append(f).append('\u001f');
        }
        List<String> theirs = Sysdig.run("-r", p.toString(), "-p", format.toString());
        ScapCapture c = ScapReader.readAll(p);
        Inspector insp = new Inspector(c.tables());
        EventFormatter fmt = new EventFormatter(insp, ZoneId.of("UTC"));
        List<String> wrong = new ArrayList<>();
        int line = 0;
        int compared = 0;
        for (ScapEvent e : c.events()) {
            boolean shown = fmt.next(e) != null;
            if (!shown) {
                continue;
            }
            ScapFields fields = new ScapFields(fmt, insp, e);
            String[] kvs = theirs.get(line++).split("\u001f");
            for (String kv : kvs) {
                if (kv.isEmpty()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                String name = kv.substring(0, eq);
                FieldRef ref = ref(name);
                String got = printed(ref, fields.get(ref));
                compared++;
                if (!got.equals(kv.substring(eq + 1))) {
                    wrong.add("event " + fmt.num() + " " + EventFormatter.typeName(e) + " " + name + ": sysdig ["
                            + kv.substring(eq + 1) + "], boxscope [" + got + "]");
                }
            }
        }
        assertEquals(theirs.size(), line);
        assertEquals(List.of(), wrong);
        assertTrue(compared > 50 * FIELDS.size(), "compared " + compared);
    }

    /**
     * Filters over many kinds of fields, each printed as sysdig prints the lines it keeps. Left out, known
     * differences (docs/trace.md): fd.ip/fd.port/fd.net on sockets whose role sysdig has not settled (it
     * compares their raw addresses: fd.ip=::1 keeps a new IPv4 socket), and evt.category=unknown, which
     * sysdig 0.29's filter also holds for read exits that it prints, and otherwise filters, as "file".
     */
    static final List<String> FILTERS = List.of(
            "evt.type=connect", "fd.type=ipv6", "fd.typechar=u", "fd.sockfamily=unix", "fd.l4proto=udp",
            "fd.is_server=true", "fd.connected=true", "fd.connected=false", "fd.sport=443", "fd.lport=5000 or fd.rport=5000", "fd.rip=::1", "fd.cip=127.0.0.1",
            "fd.sport in (53, 443)", "user.name=nobody", "user.uid=0 and evt.type=read",
            "group.name=root and evt.dir=<", "evt.category=ipc", "evt.category=net", "evt.failed=true",
            "evt.res=ECONNREFUSED", "evt.rawres<0 and not evt.type=read", "proc.name=cat and fd.name contains /etc",
            "proc.pname=bash", "proc.aname=systemd and evt.dir=>", "proc.apid[1]=4000", "proc.exepath=/bin/cat",
            "proc.cmdline contains passwd", "thread.ismain=true and evt.type=clone", "evt.arg.fd contains <f>",
            "evt.arg[0]=read", "evt.arg.name pmatch (/etc)", "fd.directory=/etc", "fd.filename=passwd",
            "container.id=host and evt.type=procexit", "evt.latency>0 and evt.latency<2000", "evt.is_io=true",
            "evt.info contains AF_INET6", "evt.num>=40 and evt.num<=45", "fd.num=3 and evt.type=write",
            "fd.name_changed=false", "fd.sip.name=localhost", "fd.rip.name in (name.invalid, ::1) or evt.num<3");

    @Test
    void filtersKeepTheLinesSysdigKeeps() throws Exception {
        Path p = fixture();
        ScapCapture c = ScapReader.readAll(p);
        List<String> wrong = new ArrayList<>();
        int nonEmpty = 0;
        for (String text : FILTERS) {
            Filter f = Filter.compile(text, SERVICES);
            Inspector insp = new Inspector(c.tables());
            EventFormatter fmt = new EventFormatter(insp, ZoneId.of("UTC"));
            List<String> mine = new ArrayList<>();
            for (ScapEvent e : c.events()) {
                String line = fmt.next(e);
                if (line != null && f.matches(new ScapFields(fmt, insp, e).filtering(true))) { // as trace -r asks: ScapFields#filtering
                    mine.add(line);
                }
            }
            List<String> theirs = Sysdig.run("-r", p.toString(), text);
            nonEmpty += theirs.isEmpty() ? 0 : 1;
            if (!mine.equals(theirs)) {
                wrong.add("[" + text + "]\n--- sysdig\n" + String.join("\n", theirs) + "\n--- boxscope\n" + String.join("\n", mine));
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(nonEmpty > FILTERS.size() - 5, nonEmpty + " of " + FILTERS.size() + " filters keep something");
    }
}
