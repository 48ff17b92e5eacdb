package io.boxscope.trace.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filter's event table is a view of the scap event table (one table for the module); it holds every
 * event {@code sysdig -L} lists, with the same argument names and types, and takes as {@code evt.type}
 * exactly the names sysdig takes. sysdig 0.29 is the oracle.
 */
class EventTableTest {
    @TempDir
    Path dir;

    @Test
    void holdsEveryEventSysdigLists() throws Exception {
        Sysdig.Result r = Sysdig.run("-L");
        assertEquals(0, r.exit());
        EventTable t = EventTable.sysdig();
        List<String> missing = new ArrayList<>();
        int n = 0;
        for (String line : r.output().split("\n")) {
            if (line.length() < 3 || (line.charAt(0) != '>' && line.charAt(0) != '<')) {
                continue;
            }
            n++;
            char dir = line.charAt(0);
            String name = line.substring(2, line.indexOf('('));
            Map<String, String> params = new LinkedHashMap<>();
            String inside = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
            for (String p : inside.isEmpty() ? new String[0] : inside.split(", ")) {
                String[] tn = p.split(" ", 2); // a name may hold a space ("plugin ID")
                params.putIfAbsent(tn[1], "PT_" + (tn[0].equals("DYNAMIC") ? "DYN" : tn[0]));
            }
            boolean found = t.events().stream().anyMatch(k -> k.name().equals(name) && k.dir() == dir && k.params().equals(params));
            if (!found) {
                missing.add(line);
            }
        }
        assertTrue(n > 250, "sysdig -L lines: " + n);
        assertEquals(List.of(), missing);
    }

    @Test
    void eventTypesAreSysdigs() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.scap"));
        EventTable t = EventTable.sysdig();
        List<String> wrong = new ArrayList<>();
        for (String name : List.of("open", "openat", "pread", "vhangup", "tracer", "container", "clone3", "syscall",
                "pread64", "nosuchcall", "switch", "procexit", "execveat", "copy_file_range")) {
            boolean theirs = Sysdig.classify("evt.type=" + name, empty).equals("ok");
            if (theirs != t.isEventType(name)) {
                wrong.add(name + ": sysdig " + theirs + ", boxscope " + t.isEventType(name));
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals("pread", t.eventTypeOfSyscall("pread64"));
        assertEquals("mkdir", t.eventTypeOfSyscall("mkdir"));
    }

    /**
     * driver/syscall_table.c (libs e5c53d64) gives the setuid and getuid families events of their own (setuid32 and the
     * other 32-bit calls the same events): the table of system calls with events names them all. Fails on the code
     * before (session 34 gave setuid, setgid, setresuid and setresgid their events, the table still called them generic).
     */
    @Test
    void theSetuidAndGetuidFamiliesHaveEventsOfTheirOwn() {
        io.boxscope.trace.scap.EventTable scap = io.boxscope.trace.scap.EventTable.get();
        for (String call : List.of("setuid", "setgid", "setresuid", "setresgid", "getuid", "geteuid", "getgid", "getegid",
                "getresuid", "getresgid")) {
            assertEquals(java.util.Optional.of(call), scap.eventOfSyscall(call), call);
            assertEquals(java.util.Optional.of(call), scap.eventOfSyscall(call + "32"), call + "32");
            assertTrue(EventTable.sysdig().isEventName(call), call);
        }
    }
}
