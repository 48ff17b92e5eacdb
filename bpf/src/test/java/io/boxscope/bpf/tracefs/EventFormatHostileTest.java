package io.boxscope.bpf.tracefs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Broken format files: bad lines are reported in problems(), never guessed at or dropped silently. */
class EventFormatHostileTest {
    static String real() throws Exception {
        return Files.readString(TracefsFixtureTest.root().resolve("events/sched/sched_process_exec/format"));
    }

    @Test
    void garbageLinesAreReportedNotFatal() throws Exception {
        String text = real().replace("format:\n", "format:\n\u001b[2Jgarbage here\n\tfield:int;\toffset:x;\n");
        EventFormat f = EventFormatParser.parse(text);
        assertEquals(7, f.fields().size(), "the good fields all survive");
        assertEquals(2, f.problems().size(), f.problems().toString());
        assertTrue(f.problems().get(0).contains("not a format line"));
        assertTrue(f.problems().get(1).contains("offset is not a number"));
    }

    @Test
    void fieldsMissingOffsetSizeOrNameAreProblems() throws Exception {
        String text = """
                name: x
                ID: 12
                format:
                \tfield:int a;\tsize:4;\tsigned:1;
                \tfield:int b;\toffset:4;\tsigned:1;
                \tfield:int ;\toffset:8;\tsize:4;\tsigned:1;
                \tfield: ;\toffset:8;\tsize:4;
                \tfield:char c[16;\toffset:12;\tsize:16;
                \tfield:int d;\toffset:-4;\tsize:4;
                \tfield:int e;\toffset:28;\tsize:4;
                \tfield:char f[TASK_COMM_LEN];\toffset:32;\tsize:16;\tsigned:0;\tfuture:1;
                """;
        EventFormat f = EventFormatParser.parse(text);
        assertEquals(List.of("e", "f"), f.fields().stream().map(EventField::name).toList());
        assertEquals(6, f.problems().size(), f.problems().toString());
        assertEquals(-1, f.field("f").orElseThrow().arrayLength(), "symbolic length kept as unknown");
        assertEquals(EventField.Kind.FIXED_ARRAY, f.field("f").orElseThrow().kind());
        assertTrue(f.printFormat().isEmpty());
    }

    @Test
    void badIdIsAProblemAndNoNameIsFatal() throws Exception {
        EventFormat f = EventFormatParser.parse("name: y\nID: twelve\n");
        assertEquals(-1, f.id());
        assertEquals(1, f.problems().size());
        TracefsException e = assertThrows(TracefsException.class, () -> EventFormatParser.parse("ID: 1\nformat:\n"));
        assertTrue(e.getMessage().contains("no 'name:' line"));
        assertThrows(TracefsException.class, () -> EventFormatParser.parse(""));
        assertThrows(TracefsException.class, () -> EventFormatParser.parse("\0\0\0\u00ff"));
    }

    @Test
    void dataLocWithoutNameIsAProblem() throws Exception {
        EventFormat f = EventFormatParser.parse("name: z\n\tfield:__data_loc char[];\toffset:8;\tsize:4;\n");
        assertEquals(0, f.fields().size());
        assertEquals(1, f.problems().size());
    }

    @Test
    void globMatching() {
        assertTrue(Glob.of("sys_enter_*").matches("sys_enter_openat"));
        assertTrue(Glob.of("*").matches(""));
        assertTrue(Glob.of("a*b*c").matches("aXXbYYc"));
        assertTrue(Glob.of("a?c").matches("abc"));
        assertTrue(!Glob.of("a?c").matches("ac"));
        assertTrue(!Glob.of("sys_enter_*").matches("sys_exit_read"));
        assertTrue(Glob.of("*open*").matches("sys_enter_openat"));
        assertTrue(Glob.of("[x]").matches("[x]"), "brackets are literal");
        assertTrue(!Glob.of("abc").isWildcard());
    }
}
