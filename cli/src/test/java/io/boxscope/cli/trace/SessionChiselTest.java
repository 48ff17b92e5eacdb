package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.cli.Cli;
import io.boxscope.proc.json.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chisels that look at time, processes and the thread table — topprocs_cpu, topcontainers_cpu,
 * iobytes*, proc_exec_time, spy_users, bottlenecks, fileslower, scallslower, netstat, lsof, ps — print
 * what {@code sysdig -r FILE -c CHISEL} prints (sysdig 0.29, the oracle; the test fails without it), on
 * {@link SessionCapture} (seven seconds of a login shell and nginx with procinfo events), on
 * {@link ChiselCapture} and on the eval capture, with and without {@code -pc}, arguments and filters.
 * Lines that stream and time-driven lines must be identical, colour codes included. Freedom allowed:
 * rows of equal value in top tables in any order (sysdig's come from a Lua hash), and the rows of
 * netstat and lsof in any order (sysdig walks Lua tables of threads and fds; we print by tid and fd).
 */
class SessionChiselTest {
    @TempDir
    Path dir;

    Path session;
    Path chisels;

    @BeforeEach
    void write() throws Exception {
        session = SessionCapture.write(dir.resolve("session.scap"));
        chisels = ChiselCapture.write(dir.resolve("chisels.scap"));
    }

    private enum Compare { EXACT, TABLE, ROWS, JSON }

    /** Runs sysdig and boxscope on the same arguments; a description of the difference, or nothing. */
    private static List<String> compare(Path file, Compare how, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("-r", file.toString()));
        a.addAll(List.of(args));
        String theirs = TraceReadFilterTest.sysdig(a.toArray(String[]::new));
        a.addFirst("trace");
        Cli ours = Cli.run(a.toArray(String[]::new));
        if (ours.code() != 0) {
            return List.of(String.join(" ", args) + ": exit " + ours.code() + " " + ours.err());
        }
        boolean same = switch (how) {
            case EXACT -> theirs.equals(ours.out());
            case TABLE -> TraceChiselTest.sameTable(theirs, ours.out());
            case ROWS -> sameRows(theirs, ours.out());
            case JSON -> Json.parse(theirs).equals(Json.parse(ours.out()));
        };
        return same ? List.of() : List.of(file.getFileName() + " " + String.join(" ", args) + "\n--- sysdig\n" + theirs
                + "--- boxscope\n" + ours.out());
    }

    /** The same first line (the header) and the same rows after it, in any order. */
    private static boolean sameRows(String theirs, String ours) {
        String[] t = theirs.split("\n", -1);
        String[] o = ours.split("\n", -1);
        if (t.length != o.length || !t[0].equals(o[0])) {
            return false;
        }
        String[] x = Arrays.copyOfRange(t, 1, t.length);
        String[] y = Arrays.copyOfRange(o, 1, o.length);
        Arrays.sort(x);
        Arrays.sort(y);
        return Arrays.equals(x, y);
    }

    @Test
    void streamingAndTimedChiselsPrintSysdigsLines() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Path file : List.of(session, chisels, TraceReadFilterTest.capture())) {
            for (List<String> run : List.of(List.of("-c", "iobytes"), List.of("-c", "iobytes_file"), List.of("-c", "iobytes_net"),
                    List.of("-c", "proc_exec_time"), List.of("-pc", "-c", "proc_exec_time"), List.of("-c", "spy_users"),
                    List.of("-pc", "-c", "spy_users"), List.of("-c", "bottlenecks"), List.of("-c", "fileslower", "0"),
                    List.of("-pc", "-c", "fileslower", "0"), List.of("-c", "scallslower", "0"), List.of("-pc", "-c", "scallslower", "1"))) {
                wrong.addAll(compare(file, Compare.EXACT, run.toArray(String[]::new)));
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void argumentsAndFiltersOfTheTimedChisels() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (List<String> run : List.of(
                // the interval clock runs on every event read, the user's filter only picks what is summed
                List.of("-c", "iobytes", "evt.type=chdir"), List.of("-c", "iobytes", "proc.name=nginx"),
                List.of("-c", "proc_exec_time", "disable_colors"), List.of("-c", "spy_users", "0"),
                List.of("-c", "spy_users", "1 disable_color"), List.of("-c", "bottlenecks", "proc.name=nginx"),
                List.of("-c", "fileslower", "1 disable_color"), List.of("-c", "fileslower", "10"),
                List.of("-c", "scallslower", "0.5"), List.of("-c", "scallslower", "1 disable_color"),
                List.of("-c", "scallslower", "100", "proc.name=bash"))) {
            wrong.addAll(compare(session, Compare.EXACT, run.toArray(String[]::new)));
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void cpuTablesFromProcinfoEvents() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (List<String> run : List.of(List.of("-c", "topprocs_cpu"), List.of("-pc", "-c", "topprocs_cpu"),
                List.of("-c", "topcontainers_cpu"), List.of("-c", "topprocs_cpu", "proc.name=bash"),
                List.of("-c", "topprocs_cpu", "evt.type=write"),
                // chisels see the procinfo events sysdig does not print: topscalls counts them
                List.of("-c", "topscalls"), List.of("-pc", "-c", "topscalls"))) {
            wrong.addAll(compare(session, Compare.TABLE, run.toArray(String[]::new)));
        }
        wrong.addAll(compare(session, Compare.JSON, "-j", "-c", "topprocs_cpu"));
        wrong.addAll(compare(session, Compare.JSON, "-j", "-c", "topcontainers_cpu"));
        wrong.addAll(compare(chisels, Compare.TABLE, "-c", "topprocs_cpu"));
        assertEquals(List.of(), wrong);
        String out = Cli.run("trace", "-r", session.toString(), "-c", "topprocs_cpu").out();
        assertTrue(out.contains("21.72%              nginx               300"), out);
    }

    @Test
    void threadTableChisels() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Path file : List.of(session, chisels, TraceReadFilterTest.capture())) {
            for (String c : List.of("netstat", "lsof", "ps")) {
                wrong.addAll(compare(file, Compare.ROWS, "-c", c));
            }
        }
        for (List<String> run : List.of(List.of("-c", "netstat", "fd.sport=80"), List.of("-c", "netstat", "proc.name=sshd"),
                List.of("-c", "lsof", "thread.tid=301"), List.of("-c", "lsof", "fd.type=ipv4"), List.of("-c", "lsof", "fd.sport=80"),
                List.of("-c", "lsof", "fd.lport=80"), List.of("-c", "ps", "user.name=root"), List.of("-c", "ps", "proc.name=nobody"),
                // the argument is the chisel's, what follows is the user's filter: the table at the first chdir
                List.of("-c", "ps", "proc.name=nginx", "evt.type=chdir"), List.of("-c", "lsof", "proc.name=ls", "evt.type=read"),
                List.of("-c", "netstat", "proc.name=nginx", "proc.name=nosuch"))) {
            wrong.addAll(compare(session, Compare.ROWS, run.toArray(String[]::new)));
        }
        assertEquals(List.of(), wrong);
        // thread 301 shares its process's fds (CLONE_FILES), so lsof lists them under it too
        String lsof = Cli.run("trace", "-r", session.toString(), "-c", "lsof", "thread.tid=301").out();
        assertEquals(6, lsof.lines().count(), lsof);
        Cli bad = Cli.run("trace", "-r", session.toString(), "-c", "ps", "evt.type=chdir");
        assertEquals(1, bad.code()); // a chisel's argument refused: exit 1 (TraceChiselTest.chiselArgumentErrorsExitAsSysdigExits)
        assertTrue(bad.err().contains("not supported for thread table filtering"), bad.err());
    }
}
