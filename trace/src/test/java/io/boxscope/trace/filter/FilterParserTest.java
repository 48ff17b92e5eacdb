package io.boxscope.trace.filter;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The syntax tree, positions and messages of sysdig 0.29's filter grammar. */
class FilterParserTest {
    static FilterException error(String filter) {
        return assertThrows(FilterException.class, () -> Filter.compile(filter, FilterCorpusTest.SERVICES));
    }

    @Test
    void treeWithPositions() {
        Ast root = FilterParser.parse("proc.name=bash and not (fd.num in (1, 2) or evt.type exists)").root();
        Ast.And and = assertInstanceOf(Ast.And.class, root);
        Ast.Compare first = assertInstanceOf(Ast.Compare.class, and.terms().get(0));
        assertEquals("proc.name", first.field());
        assertEquals(0, first.fieldPos());
        assertEquals(CmpOp.EQ, first.op());
        assertEquals(9, first.opPos());
        assertEquals(List.of(new Ast.Operand("bash", 10)), first.values());
        Ast.Not not = assertInstanceOf(Ast.Not.class, and.terms().get(1));
        Ast.Or or = assertInstanceOf(Ast.Or.class, not.term());
        Ast.Compare in = assertInstanceOf(Ast.Compare.class, or.terms().get(0));
        assertEquals(CmpOp.IN, in.op());
        assertEquals(List.of(new Ast.Operand("1", 35), new Ast.Operand("2", 38)), in.values());
        Ast.Compare exists = assertInstanceOf(Ast.Compare.class, or.terms().get(1));
        assertEquals(CmpOp.EXISTS, exists.op());
        assertEquals(List.of(), exists.values());
    }

    @Test
    void blankFilterHasNoTree() {
        assertNull(FilterParser.parse(" \t\n").root());
    }

    @Test
    void operatorsAreMatchedAsPrefixesInSysdigsOrder() {
        assertEquals(CmpOp.EQ, ((Ast.Compare) FilterParser.parse("proc.name==x").root()).op());
        assertEquals("=x", ((Ast.Compare) FilterParser.parse("proc.name==x").root()).values().getFirst().bytes());
        assertEquals(CmpOp.ICONTAINS, ((Ast.Compare) FilterParser.parse("proc.name icontains x").root()).op());
        assertEquals(CmpOp.CONTAINS, ((Ast.Compare) FilterParser.parse("proc.name containsx").root()).op());
        assertEquals("expected '(' after 'in/intersects/pmatch' operand", error("proc.name intersects (a)").problem());
    }

    @Test
    void keywordsAreReadLetterByLetter() {
        assertInstanceOf(Ast.Or.class, FilterParser.parse("proc.pid=1 o r proc.pid=2").root());
        assertInstanceOf(Ast.And.class, FilterParser.parse("proc.pid=1 andproc.pid=2").root());
        assertInstanceOf(Ast.Not.class, FilterParser.parse("n o t proc.pid=1").root());
        FilterException e = error("proc.pid=1 OR proc.pid=2");
        assertEquals(11, e.position());
        assertTrue(e.problem().startsWith("syntax error in filter"), e.problem());
    }

    @Test
    void mixingAndWithOrNeedsParentheses() {
        FilterException e = error("proc.pid=1 and proc.pid=2 or proc.pid=3");
        assertEquals("expression mixes 'and' and 'or' in an ambiguous way. Please use brackets.", e.problem());
        assertEquals(26, e.position(), "the caret points at the 'or' that conflicts");
        FilterException inner = error("proc.pid=1 and (proc.pid=2 or proc.pid=3 and proc.pid=4)");
        assertEquals(41, inner.position());
        // A leading "not" is no operator of its own: this is one "and" chain.
        assertInstanceOf(Ast.And.class, FilterParser.parse("not proc.pid=1 and proc.pid=2 and not proc.pid=3").root());
    }

    @Test
    void notesExplainSysdigsSurprises() {
        FilterParser.Parsed p = FilterParser.parse("not not proc.pid=1");
        assertInstanceOf(Ast.Compare.class, ((Ast.Not) p.root()).term(), "'not not' is a single not");
        assertTrue(p.notes().getFirst().contains("single 'not'"), p.notes().toString());
        FilterParser.Parsed q = FilterParser.parse("proc.pid=1 not proc.pid=2");
        assertInstanceOf(Ast.Compare.class, q.root());
        assertTrue(String.join(" ", q.notes()).contains("ignores"), q.notes().toString());
    }

    @Test
    void errorsPointAtTheProblem() {
        assertEquals(new Err(0, "filter error: unrecognized field proc.nam ('boxscope trace -l' lists the fields)"),
                Err.of(error("proc.nam=bash")));
        assertEquals(new Err(9, "abc is not a valid number"), Err.of(error("proc.pid=abc")));
        assertEquals(new Err(18, "filter error: unexpected end of filter: expected a comparison (FIELD OPERATOR VALUE)"), Err.of(error("proc.name=bash and")));
        assertEquals(10, error("proc.name=\"abc").position(), "unclosed quote: at the quote");
        assertEquals(10, error("proc.name bash").position());
        assertTrue(error("proc.name bash").problem().startsWith("filter error: unrecognized comparison operator after proc.name"));
        assertEquals(new Err(19, "unknown event type nope"), Err.of(error("evt.type in (open, nope)")));
        // no event type: said so (sysdig: "unknown event type " and nothing), the caret right after the operator
        String missing = "missing value: evt.type = needs an event type (open, execve, ...; 'boxscope trace -L' lists them)";
        assertEquals(new Err(9, missing), Err.of(error("evt.type=")));
        assertEquals(new Err(9, missing), Err.of(error("evt.type=  ")));
        assertEquals(new Err(9, missing), Err.of(error("evt.type=\"\"")));
        assertEquals(new Err(14, missing.replace("evt.type =", "evt.type !=")), Err.of(error("not evt.type!= ")));
        assertEquals(new Err(18, missing.replace("evt.type =", "evt.type in")), Err.of(error("evt.type in (open,)")));
        // the same for every field whose value cannot be empty (sysdig: " is not a valid number" and no name)
        assertEquals(new Err(9, "missing value: proc.pid = needs a number"), Err.of(error("proc.pid=")));
        assertEquals(new Err(9, "missing value: proc.pid = needs a number"), Err.of(error("proc.pid=\"\"")));
        assertEquals(new Err(10, "missing value: proc.pid >= needs a number"), Err.of(error("proc.pid>=  ")));
        assertEquals(new Err(15, "missing value: proc.pid in needs a number"), Err.of(error("proc.pid in (1,)")));
        assertEquals(new Err(11, "missing value: evt.failed = needs true or false"), Err.of(error("evt.failed=")));
        assertEquals(new Err(6, "missing value: fd.ip = needs an IP address"), Err.of(error("fd.ip=")));
        assertEquals(new Err(8, "missing value: fd.port = needs a port number or a service name (http, ssh, ...)"),
                Err.of(error("fd.port=")));
        // an empty string is a value for a text field: proc.name= matches processes with no name, as in sysdig
        assertDoesNotThrow(() -> Filter.compile("proc.name=", FilterCorpusTest.SERVICES));
        assertEquals(new Err(10, "filter error: unexpected ')': no '(' is open"), Err.of(error("proc.pid=1) and proc.pid=2")));
        assertEquals(11, error("(proc.pid=1").position());
        assertTrue(error("(proc.pid=1").problem().endsWith("expected ')' to close the '(' at column 1"), error("(proc.pid=1").problem());
        assertEquals(new Err(9, "'contains' not supported for numeric filters (proc.pid is INT64)"), Err.of(error("proc.pid contains 1")));
        assertEquals(new Err(0, "unknown event argument foo"), Err.of(error("evt.arg.foo=1")));
        assertEquals(new Err(11, "filter error: unrecognized boolean value yes"), Err.of(error("evt.failed=yes")));
        assertTrue(error("container.healthcheck=true").problem().contains("not supported by boxscope yet"));
        assertEquals(new Err(10, "filter error: unrecognized escape sequence at \\xZZ"), Err.of(error("proc.name=\\xZZ")));
    }

    record Err(int position, String problem) {
        static Err of(FilterException e) {
            return new Err(e.position(), e.problem());
        }
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        int n = FilterParser.MAX_NESTING;
        String ok = "(".repeat(n) + "proc.pid=1" + ")".repeat(n);
        org.junit.jupiter.api.Assertions.assertTrue(Filter.compile(ok, ServiceNames.none()).matches(Events.of("proc.pid", 1)));
        FilterException e = error("(".repeat(100_000) + "proc.pid=1" + ")".repeat(100_000));
        assertEquals(n, e.position());
        assertTrue(e.problem().contains("nested parentheses"), e.problem());
        String longChain = String.join(" or ", java.util.Collections.nCopies(50_000, "proc.pid=1"));
        assertTrue(Filter.compile(longChain, ServiceNames.none()).matches(Events.of("proc.pid", 1)), "long flat chains are fine");
    }

    @Test
    void hostileInputNeverEscapesAsAnythingButFilterException() {
        java.util.Random r = new java.util.Random(42);
        String alphabet = "proc.name=\"'()\\x,! <>andornotexistsinpmatch 0123456789[]evt.arg.fd\t\n";
        for (int i = 0; i < 20000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(40);
            for (int k = 0; k < len; k++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String f = sb.toString();
            try {
                Filter compiled = Filter.compile(f, FilterCorpusTest.SERVICES);
                compiled.matches(Events.of());
            } catch (FilterException e) {
                assertTrue(e.position() >= 0 && e.position() <= f.length(), f);
            }
        }
    }
}
