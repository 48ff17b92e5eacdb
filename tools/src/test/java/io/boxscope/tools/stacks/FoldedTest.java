package io.boxscope.tools.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The folded format of libbpf-tools profile -f, and the flame graph page's escaping. */
class FoldedTest {
    static final StackSample BOTH = new StackSample(42, "app", List.of("leaf", "mid", "main"),
            List.of("do_syscall_64", "entry_SYSCALL_64"), 7);

    @Test
    void foldsOutermostFirstUserThenKernel() {
        assertEquals("app;main;mid;leaf;entry_SYSCALL_64;do_syscall_64 7", Folded.line(BOTH, false));
        assertEquals("app;main;mid;leaf;-;entry_SYSCALL_64;do_syscall_64 7", Folded.line(BOTH, true));
        StackSample kernelOnly = new StackSample(0, "kworker/0:1", List.of(), List.of("worker_thread", "kthread"), 3);
        assertEquals("kworker/0:1;kthread;worker_thread 3", Folded.line(kernelOnly, true));
    }

    @Test
    void separatorsInNamesCannotSplitFrames() {
        StackSample evil = new StackSample(1, "a;b\nc", List.of("f;g"), List.of(), 1);
        assertEquals("a_b_c;f_g 1", Folded.line(evil, false));
    }

    @Test
    void symbolNamesLoseTheirOffset() {
        assertEquals("do_syscall_64", StackSamples.name("do_syscall_64+113"));
        assertEquals("[unknown]", StackSamples.name("0x7f00deadbeef"));
        assertEquals("Interpreter", StackSamples.name("Interpreter"));
    }

    @Test
    void flameGraphPageEscapesEveryNameAndAllowsOnlyItsOwnScript() {
        String xss = "<img src=x onerror=alert(1)>";
        StackSample s = new StackSample(1, xss, List.of("</script><script>alert(2)</script>"), List.of(), 5);
        String page = FlameGraph.page("profile of " + xss, List.of(s, BOTH), "samples");
        assertFalse(page.contains("<img"), "a name reached the page as markup");
        assertFalse(page.contains("</script><script>alert"), "a name closed the data block");
        assertTrue(page.contains("script-src " + FlameGraph.scriptHash()), "CSP must name the script's hash");
        assertTrue(page.contains("default-src 'none'"), "CSP must forbid every request");
        assertFalse(page.contains("http://") || page.contains("https://"), "the page must not reference the network");
    }

    @Test
    void treeMergesCommonPrefixesAndSumsWeights() {
        StackSample other = new StackSample(42, "app", List.of("other", "main"), List.of(), 3);
        List<Object> root = FlameGraph.tree(List.of(BOTH, other));
        assertEquals("all", root.get(0));
        assertEquals(10L, root.get(1));
        @SuppressWarnings("unchecked")
        List<Object> app = (List<Object>) ((List<Object>) root.get(3)).getFirst();
        assertEquals(10L, app.get(1));
        @SuppressWarnings("unchecked")
        List<Object> main = (List<Object>) ((List<Object>) app.get(3)).getFirst();
        assertEquals("main", main.get(0));
        assertEquals(10L, main.get(1));
        assertEquals(2, ((List<?>) main.get(3)).size());
    }
}
