package io.boxscope.tools.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.testkit.Chromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flame graph page in Debian's headless Chromium: its script runs under the page's own CSP (no
 * "Refused to execute"), draws one box per frame, makes no request, logs nothing, and a frame and a
 * command named like markup are text in the DOM the browser built.
 */
class FlameGraphChromiumTest {
    static final String XSS = "<img src=x onerror=alert(1)>";

    @Test
    void rendersWithItsScriptAndKeepsHostileNamesAsText(@TempDir Path dir) throws Exception {
        List<StackSample> samples = List.of(
                new StackSample(1, XSS, List.of("leaf_" + XSS, "main"), List.of("do_syscall_64"), 30),
                new StackSample(2, "app", List.of("hot", "main"), List.of(), 70));
        Path page = dir.resolve("flame.html");
        Files.writeString(page, FlameGraph.page("flame of " + XSS, samples, "samples"), StandardCharsets.UTF_8);

        Chromium.Run dom = Chromium.run(dir, "--dump-dom", page.toUri().toString());
        assertEquals(0, dom.code(), dom.err());
        assertEquals(List.of(), dom.complaints(), "console messages, requests or CSP refusals");
        assertFalse(dom.out().contains("<img"), "an <img> element was made from a name");
        // The script ran: every frame is a box (all, 2 commands, 2 mains, 2 leaves, one kernel frame).
        assertEquals(8, dom.out().split("class=\"fg-f\"", -1).length - 1, dom.out());
        assertTrue(dom.out().contains("leaf_&lt;img src=x onerror=alert(1)&gt;"), dom.out());
        assertFalse(dom.out().contains("class=\"fg-note\""), "a page without a note shows none");
        Path png = Chromium.screenshot(dir, page, 1000, 400);
        assertTrue(Files.size(png) > 5_000, "screenshot too small");
    }

    /**
     * profile --flame's note on kernel frames shown as [unknown] (kallsyms unreadable): drawn under the title, as text,
     * whatever the reason holds (it names a path, which can be anything).
     */
    @Test
    void theNoteOnUnnamedKernelFramesIsShownAsText(@TempDir Path dir) throws Exception {
        List<StackSample> samples = List.of(new StackSample(1, "app", List.of("main"), List.of("[unknown]", "[unknown]"), 10));
        String note = new io.boxscope.probe.output.KernelSymbolsMissing(2, "kernel symbols could not be read: /tmp/" + XSS + "/kallsyms: no such file")
                .sentence(io.boxscope.probe.output.KernelSymbolsMissing.Shown.UNKNOWN);
        Path page = dir.resolve("flame.html");
        Files.writeString(page, FlameGraph.page("flame", samples, "samples", note), StandardCharsets.UTF_8);

        Chromium.Run dom = Chromium.run(dir, "--dump-dom", page.toUri().toString());
        assertEquals(0, dom.code(), dom.err());
        assertEquals(List.of(), dom.complaints(), "console messages, requests or CSP refusals");
        assertFalse(dom.out().contains("<img"), "an <img> element was made from the note");
        assertTrue(dom.out().contains("<p class=\"fg-note\">2 distinct kernel addresses in the stacks shown as [unknown]: kernel symbols could not be read: /tmp/"
                + "&lt;img src=x onerror=alert(1)&gt;/kallsyms: no such file</p>"), dom.out());
    }
}
