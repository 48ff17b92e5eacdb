package io.boxscope.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import io.boxscope.mem.pmap.CommandLine;
import io.boxscope.mem.pmap.Pmap;
import io.boxscope.mem.pmap.PmapOptions;
import io.boxscope.mem.pmap.PmapProcess;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.mem.smaps.SmapsParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Renders captured processes and compares with what procps pmap printed for them right after the
 * capture. Only outputs that cannot change between the two reads are golden: plain, -x, -x -p and
 * -q everywhere (no Pss in them), and -X/-XX for the static busybox (nothing it maps is shared).
 */
class PmapFixtureTest {
    @ParameterizedTest
    @CsvSource({"busybox,plain", "busybox,x", "busybox,xp", "busybox,q", "busybox,X", "busybox,XX",
            "python,plain", "python,x", "python,xp", "python,q", "jvm,plain", "jvm,x", "jvm,xp", "jvm,q"})
    void matchesProcps(String name, String flags) throws IOException {
        PmapOptions o = switch (flags) {
            case "plain" -> PmapOptions.of(PmapOptions.Mode.MAPS);
            case "x" -> PmapOptions.of(PmapOptions.Mode.EXTENDED);
            case "xp" -> new PmapOptions(PmapOptions.Mode.EXTENDED, false, true, 0, PmapOptions.NO_HIGH);
            case "q" -> new PmapOptions(PmapOptions.Mode.MAPS, true, false, 0, PmapOptions.NO_HIGH);
            case "X" -> PmapOptions.of(PmapOptions.Mode.MORE);
            case "XX" -> PmapOptions.of(PmapOptions.Mode.ALL);
            default -> throw new IllegalArgumentException(flags);
        };
        PmapProcess p = PmapProcess.read(new ProcMemReader(Fixtures.paths()), Fixtures.pid(name), o.mode());
        // The fixture's SysV segment minor is this machine's at capture time; pmap found it by itself.
        p = new PmapProcess(p.tgid(), p.command(), p.startStack(), 1, p.mappings());
        String expected = Fixtures.utf8("pmap/" + name + "." + flags + ".txt");
        assertEquals(PmapLiveTest.controlsAsQuestionMarks(expected), Pmap.render(p, o));
    }

    @org.junit.jupiter.api.Test
    void tenThousandMappingsExtended() {
        int pid = Fixtures.pid("tenk");
        var ms = SmapsParser.parse(Fixtures.raw("proc/" + pid + "/smaps.gz"), "smaps");
        String cmdline = Fixtures.raw("proc/" + pid + "/cmdline");
        String stat = Fixtures.raw("proc/" + pid + "/stat");
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        PmapProcess p = new PmapProcess(pid, new CommandLine(cmdline, "python3", 'S'), Long.parseUnsignedLong(f[25]), 1, ms);
        assertEquals(Fixtures.raw("pmap/tenk.x.txt.gz"), Pmap.render(p, PmapOptions.of(PmapOptions.Mode.EXTENDED)));
    }

    @org.junit.jupiter.api.Test
    void sysvSegmentsAreRecognisedByNameAndDevice() {
        String text = "7f0000000000-7f0000010000 rw-s 00000000 00:1a 77 /dev/shm/SYSV00000001\n"
                + "7f0000010000-7f0000020000 rw-s 00000000 00:1a 78 /tmp/SYSVfake (deleted)\n"
                + "7f0000020000-7f0000030000 rw-s 00000000 00:01 32813 /SYSV0000abcd (deleted)\n";
        var ms = SmapsParser.parse(text, "maps");
        int minor = PmapProcess.shmMinor(new ProcMemReader(Fixtures.paths()), ms);
        assertEquals(1, minor);
        PmapProcess p = new PmapProcess(9, CommandLine.of("x"), 0, minor, ms);
        assertEquals("""
                9:   x
                00007f0000000000     64K rw-s- SYSV00000001
                00007f0000010000     64K rw-s- SYSVfake (deleted)
                00007f0000020000     64K rw-s-   [ shmid=0x802d ]
                 total              192K
                """, Pmap.render(p, PmapOptions.of(PmapOptions.Mode.MAPS)));
    }
}
