package io.boxscope.trace.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What filters accept, per sysdig 0.29's semantics (falcosecurity/libs filter.cpp, filterchecks.cpp). */
class FilterEvalTest {
    static boolean matches(String filter, Events e) {
        return Filter.compile(filter, FilterCorpusTest.SERVICES).matches(e);
    }

    @Test
    void absentFieldsCompareFalseExceptExistsAndNot() {
        Events e = Events.of("proc.name", "bash");
        assertFalse(matches("fd.name = /etc/passwd", e));
        assertFalse(matches("fd.name != /etc/passwd", e), "!= on an absent field is false too");
        assertTrue(matches("not fd.name = /etc/passwd", e));
        assertFalse(matches("fd.name exists", e));
        assertTrue(matches("proc.name exists", e));
        assertTrue(matches("not fd.name exists", e));
        assertFalse(matches("fd.num < 100", e));
        assertFalse(matches("fd.name in (/a, /b)", e));
    }

    @Test
    void emptyFilterAcceptsEverything() {
        assertTrue(matches("", Events.of()));
        assertTrue(matches("   ", Events.of()));
    }

    @Test
    void stringOperators() {
        Events e = Events.of("fd.name", "/etc/Passwd.d/x");
        assertTrue(matches("fd.name contains Passwd", e));
        assertFalse(matches("fd.name contains passwd", e));
        assertTrue(matches("fd.name icontains PASSWD", e));
        assertTrue(matches("fd.name startswith /etc/", e));
        assertTrue(matches("fd.name startswith ''", e), "every string starts with the empty string (strncmp of 0 bytes)");
        assertTrue(matches("fd.name endswith /x", e));
        assertTrue(matches("fd.name endswith \"\"", e));
        assertTrue(matches("fd.name > /etc", e), "strcmp order");
        assertTrue(matches("fd.name < /f", e));
        assertTrue(matches("fd.name <= /etc/Passwd.d/x", e));
        assertFalse(matches("fd.name >= /z", e));
        assertTrue(matches("fd.name = '/etc/Passwd.d/x'", e));
        assertTrue(matches("fd.name in (/a, \"/etc/Passwd.d/x\")", e));
        assertFalse(matches("fd.name in (/etc)", e));
    }

    @Test
    void icontainsFoldsAsciiOnlyLikeStrcasestrInTheCLocale() {
        assertTrue(matches("proc.name icontains ÉCOLE", Events.of("proc.name", "xÉcolex")), "É is the same bytes on both sides");
        assertFalse(matches("proc.name icontains école", Events.of("proc.name", "ÉCOLE")), "no folding beyond ASCII");
        assertTrue(matches("proc.name icontains JaVa", Events.of("proc.name", "openjdk-java-25")));
    }

    @Test
    void globIsFnmatchWithoutFlags() {
        Events e = Events.of("fd.name", "/usr/lib/.hidden/libc.so.6");
        assertTrue(matches("fd.name glob '/usr/*'", e), "* crosses '/' (no FNM_PATHNAME)");
        assertTrue(matches("fd.name glob '*/.hidden/*'", e), "and matches a leading dot (no FNM_PERIOD)");
        assertTrue(matches("fd.name glob '/usr/lib/?hidden/libc.so.[0-9]'", e));
        assertFalse(matches("fd.name glob '/usr/lib/?hidden/libc.so.[!0-9]'", e));
        assertTrue(matches("fd.name glob '*.so.[[:digit:]]'", e));
        assertFalse(matches("fd.name glob '/usr'", e), "glob matches the whole string");
        assertTrue(matches("fd.name glob \"*\\*\"", Events.of("fd.name", "a*")), "backslash makes * literal");
        assertFalse(matches("fd.name glob \"*\\*\"", Events.of("fd.name", "ab")));
        assertTrue(matches("fd.name glob 'a[b'", Events.of("fd.name", "a[b")), "an unclosed [ is literal");
        assertTrue(Glob.matches("*a*a*a*a*a*a*a*a*b", "a".repeat(5000) + "b"), "no exponential backtracking");
        assertFalse(Glob.matches("*a*a*a*a*a*a*a*a*b", "a".repeat(5000)));
    }

    @Test
    void pmatchIsPathPrefixByComponents() {
        assertTrue(matches("fd.name pmatch (/etc)", Events.of("fd.name", "/etc")));
        assertTrue(matches("fd.name pmatch (/etc)", Events.of("fd.name", "/etc/passwd")));
        assertFalse(matches("fd.name pmatch (/etc)", Events.of("fd.name", "/etcetera")));
        assertTrue(matches("fd.name pmatch (/etc/)", Events.of("fd.name", "//etc//x")), "empty components do not count");
        assertFalse(matches("fd.name pmatch (/etc/ssl)", Events.of("fd.name", "/etc")), "a shorter value is no match");
        assertTrue(matches("fd.name pmatch (/var, /etc/ssl)", Events.of("fd.name", "/etc/ssl/certs")));
        assertTrue(matches("fd.name pmatch (/)", Events.of("fd.name", "relative/path")), "'/' matches everything");
    }

    @Test
    void numbersCompareAtTheFieldsWidthAndSignedness() {
        assertTrue(matches("evt.cpu = 70000", Events.of("evt.cpu", 4464)), "sysdig stores 70000 in 16 bits: 4464");
        assertTrue(matches("user.uid = -1", Events.of("user.uid", 4294967295L)), "-1 is 2^32-1 in a UINT32");
        assertTrue(matches("evt.num > 5", Events.of("evt.num", -1L)), "UINT64 compares unsigned");
        assertTrue(matches("evt.rawres < 0", Events.of("evt.rawres", -2)), "INT64 compares signed");
        assertTrue(matches("proc.pid = +5", Events.of("proc.pid", 5)));
        assertTrue(matches("proc.pid = \" 5\"", Events.of("proc.pid", 5)), "sscanf skips leading blanks");
        assertTrue(matches("proc.pid in (1, 5, 9)", Events.of("proc.pid", 5)));
        assertFalse(matches("proc.pid in (1, 9)", Events.of("proc.pid", 5)));
        assertTrue(matches("evt.rawarg.res < 0", Events.of("evt.rawarg.res", -2)), "rawarg compares with the argument's type");
        assertTrue(matches("evt.rawarg.size > 100", Events.of("evt.rawarg.size", 4096)));
    }

    @Test
    void booleansAndPorts() {
        assertTrue(matches("evt.failed = true", Events.of("evt.failed", true)));
        assertTrue(matches("evt.failed != false", Events.of("evt.failed", true)));
        assertTrue(matches("evt.failed > false", Events.of("evt.failed", true)), "booleans are numbers 0/1 in sysdig");
        assertTrue(matches("fd.sport = http", Events.of("fd.sport", 80)));
        assertTrue(matches("fd.sport in (https, 8080)", Events.of("fd.sport", 443)));
        assertTrue(matches("fd.sport = 65616", Events.of("fd.sport", 80)), "ports keep 16 bits");
    }

    @Test
    void addresses() {
        Events v4 = Events.of("fd.sip", new Value.Addr(new byte[] {127, 0, 0, 1}));
        assertTrue(matches("fd.sip = 127.0.0.1", v4));
        assertFalse(matches("fd.sip = 127.0.0.2", v4));
        assertTrue(matches("fd.sip != 10.0.0.1", v4));
        assertTrue(matches("fd.sip in (10.0.0.1, 127.0.0.1)", v4));
        byte[] one = new byte[16];
        one[15] = 1;
        Events v6 = Events.of("fd.sip", new Value.Addr(one));
        assertTrue(matches("fd.sip = ::1", v6));
        assertFalse(matches("fd.sip = 127.0.0.1", v6));
        assertTrue(matches("fd.sip = 0:0:0:0:0:0:0:1", v6));
    }

    @Test
    void filterOnlyFieldsCompareClientOrServer() {
        Value lo = new Value.Addr(new byte[] {127, 0, 0, 1});
        Value ten = new Value.Addr(new byte[] {10, 1, 2, 3});
        Events conn = Events.of("fd.cip", ten, "fd.sip", lo, "fd.lip", ten, "fd.rip", lo,
                "fd.cport", 41000, "fd.sport", 8080);
        assertTrue(matches("fd.ip = 127.0.0.1", conn));
        assertTrue(matches("fd.ip = 10.1.2.3", conn));
        assertFalse(matches("fd.ip != 10.1.2.3", conn), "!= needs both sides to differ");
        assertTrue(matches("fd.ip != 192.168.0.1", conn));
        assertTrue(matches("fd.port = 8080", conn));
        assertTrue(matches("fd.port < 9000", conn), "ordering holds when either port does");
        assertFalse(matches("fd.port != 41000", conn));
        assertTrue(matches("fd.net = 10.0.0.0/8", conn));
        assertTrue(matches("fd.cnet = 10.0.0.0/8", conn));
        assertFalse(matches("fd.snet = 10.0.0.0/8", conn));
        assertTrue(matches("fd.snet = 127.0.0.0/264", conn), "the prefix length keeps 8 bits: /264 is /8");
        assertTrue(matches("fd.rnet != 10.0.0.0/8", conn));
        assertTrue(matches("fd.net = 0.0.0.0/0", conn));
        Events listening = Events.of("fd.sip", lo, "fd.sport", 80);
        assertTrue(matches("fd.ip = 127.0.0.1", listening), "a server socket has only its own address");
        assertTrue(matches("fd.port != 443", listening));
        Events file = Events.of("fd.name", "/etc/passwd");
        assertFalse(matches("fd.ip != 1.2.3.4", file), "no address at all: false, != included");
        assertFalse(matches("fd.port > 0", file));
        byte[] v6 = new byte[16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[15] = 9;
        assertTrue(matches("fd.net = 2001::1", Events.of("fd.sip", new Value.Addr(v6))), "IPv6: the first 64 bits");
        assertFalse(matches("fd.net = 2002::1", Events.of("fd.sip", new Value.Addr(v6))));
        assertFalse(matches("fd.net = 10.0.0.0/8", Events.of("fd.sip", new Value.Addr(v6))), "other family: never in");
    }

    @Test
    void valuesAreBytesAfterEscapes() {
        assertTrue(matches("proc.name = \\x41", Events.of("proc.name", "A")));
        assertTrue(matches("proc.name = \"a\\\"b\"", Events.of("proc.name", "a\"b")));
        assertTrue(matches("proc.name = a\\\\b", Events.of("proc.name", "a\\b")));
        assertTrue(matches("proc.name = a\\nb", Events.of("proc.name", "a\\nb")), "\\n is not an escape: both chars stay");
        assertTrue(matches("proc.name = \\xc3\\xa9", Events.of("proc.name", "é")), "\\xHH are bytes: UTF-8 é");
        assertTrue(matches("proc.name = é", Events.of("proc.name", "é")));
        assertTrue(matches("proc.name = 'it\"", Events.of("proc.name", "it")), "either quote closes a quoted value");
        assertThrows(FilterException.class, () -> matches("proc.name = 'it\"s'", Events.of()), "so s' is left over");
        assertTrue(matches("proc.name==bash", Events.of("proc.name", "=bash")), "sysdig reads == as = and a value starting with =");
        assertTrue(matches("proc.name = a,b", Events.of("proc.name", "a,b")), "a comma ends a value only in a list");
    }

    @Test
    void anyAncestorWithoutIndex() {
        Events e = Events.of("proc.aname[0]", "sh", "proc.aname[1]", "bash", "proc.aname[2]", "sshd", "proc.aname[3]", "systemd",
                "proc.apid[1]", 100, "proc.apid[2]", 50, "proc.apid[3]", 1);
        assertTrue(matches("proc.aname = sshd", e));
        assertFalse(matches("proc.aname = sh", e), "the process itself is not its own ancestor");
        assertTrue(matches("proc.aname[0] = sh", e));
        assertTrue(matches("proc.aname[2] = sshd", e));
        assertFalse(matches("proc.aname[4] = sshd", e));
        assertTrue(matches("proc.aname contains ssh", e));
        assertTrue(matches("proc.apid = 1", e));
        assertTrue(matches("proc.apid in (7, 50)", e));
        assertTrue(matches("proc.aname exists", e));
        assertFalse(matches("proc.aname exists", Events.of("proc.aname[0]", "init")), "no parent: no ancestor");
    }

    @Test
    void andOrNotAndSysdigQuirks() {
        Events e = Events.of("proc.name", "bash", "proc.pid", 10);
        assertTrue(matches("proc.name = bash and proc.pid = 10", e));
        assertFalse(matches("proc.name = bash and proc.pid = 11", e));
        assertTrue(matches("proc.name = sh or proc.pid = 10", e));
        assertTrue(matches("not (proc.name = sh or proc.pid = 11)", e));
        assertFalse(matches("not not proc.name = bash", e), "'not not' is one 'not' in sysdig 0.29");
        assertTrue(matches("proc.pid = 10 not proc.name = bash", e), "'A not B' evaluates A alone");
        assertFalse(matches("proc.pid = 10 and proc.name = bash not proc.name = bash", e), "'A and B not C' is A and B and not C");
        assertTrue(matches("(proc.pid = 11 or proc.pid = 12) not proc.name = sh", e), "'(A or B) not C' is (A or B) or not C");
        assertTrue(matches("() proc.pid = 11", e), "'() A' is true in sysdig 0.29");
    }

    @Test
    void buffers() {
        Events e = Events.of("evt.rawarg.data", "GET / HTTP/1.1".getBytes(StandardCharsets.UTF_8));
        // evt.rawarg.data is refused by sysdig (BYTEBUF has no filter value parser); evt.arg.data is text.
        assertThrows(FilterException.class, () -> Filter.compile("evt.rawarg.data contains GET", ServiceNames.none()));
        assertTrue(matches("evt.arg.data startswith GET", Events.of("evt.arg.data", "GET / HTTP/1.1")));
        assertFalse(matches("evt.arg.data contains POST", Events.of("evt.arg.data", "GET / HTTP/1.1")));
        assertEquals(1, e.get(new FieldRef(Field.EVT_RAWARG, "data", null, FieldType.BYTEBUF)) == null ? 0 : 1);
    }

    @Test
    void aSourceReturningTheWrongKindIsAProgrammingErrorNamedClearly() {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> matches("proc.pid = 1", Events.of("proc.pid", "one")));
        assertTrue(x.getMessage().contains("proc.pid"), x.getMessage());
    }
}
