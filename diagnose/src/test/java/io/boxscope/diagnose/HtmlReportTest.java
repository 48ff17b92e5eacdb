package io.boxscope.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import io.boxscope.diagnose.report.Html;
import io.boxscope.diagnose.report.HtmlReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report rendered by a real browser (Debian's headless Chromium, which scripts/setup-env
 * installs): it loads without console errors or network requests, a screenshot is taken, and a
 * hostile process name is inert text in the rendered DOM.
 */
class HtmlReportTest {
    static final String XSS = "<img src=x onerror=alert(1)>";

    static Diagnosis hostile() {
        Target t = new Target(Target.Kind.PROCESS, "pid 7 (" + XSS + ")", Optional.empty(), RulesTest.CGROUP.cgroups(),
                OptionalInt.of(7));
        Window w = RulesTest.window(new RulesTest.Step(RulesTest.S / 2, 10, 9, 100 << 20, 128 << 20, 0, 0, 0),
                new RulesTest.Thread(1, "R", "", RulesTest.S / 2, RulesTest.S / 2, 10));
        Metrics m = Metrics.of(w, OptionalDouble.of(0.5), 2);
        Verdict v = Rules.judge(t, m, List.of("a thing named " + XSS));
        return new Diagnosis(t, m, v, Diagnose.timeline(w), List.of("/proc/7/" + XSS + ": gone"), 3, false);
    }

    @Test
    void escapesEverythingFromTheSystem() {
        String html = HtmlReport.render(hostile());
        assertFalse(html.contains(XSS), "raw hostile name in the report");
        assertTrue(html.contains(Html.text(XSS)));
        assertFalse(html.contains("<script"), "the report needs no script");
        for (String ref : new String[] {"http:", "https:", "src=\"", "href=\"", "url(", "@import"}) {
            assertFalse(html.contains(ref), "the report would make a request: " + ref);
        }
        assertEquals("&amp;&lt;&gt;&quot;&#39;\uFFFD\uFFFD\uFFFD", Html.text("&<>\"'\u0007\u202e\u2028"));
        // every bidi control Text.safe escapes, the marks too (session 36: U+200E, U+200F, U+061C were kept)
        assertEquals("a\uFFFD".repeat(12) + "a", Html.text("a\u202aa\u202ba\u202ca\u202da\u202ea\u2066a\u2067a\u2068a\u2069a"
                + "\u200ea\u200fa\u061ca"));
    }

    /**
     * A comm the kernel cut inside a UTF-8 character (15 bytes: "<b>", ESC[31m, U+200E, "&\"x" and the first byte of
     * U+202E, session 36's walk) reaches the report as a lone surrogate (proc's RawText keeps the byte as U+DCE2): the
     * report must still be UTF-8 (the old code's file write failed, "Input length = 1"), a character beyond U+FFFF kept.
     */
    @Test
    void aByteThatWasNotUtf8IsReplacedAndTheReportEncodes() throws Exception {
        String comm = "<b>\u001b[31m\u200e&\"x\udce2";
        Diagnosis d = hostile();
        Target t = new Target(Target.Kind.PROCESS, "pid 7 (" + comm + ") \ud83d\ude00", Optional.empty(), RulesTest.CGROUP.cgroups(),
                OptionalInt.of(7));
        String html = HtmlReport.render(new Diagnosis(t, d.metrics(), d.verdict(), d.timeline(), d.problems(), d.vanishedThreads(),
                d.targetExited()));
        java.nio.charset.StandardCharsets.UTF_8.newEncoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).encode(java.nio.CharBuffer.wrap(html));
        assertTrue(html.contains("&lt;b&gt;\uFFFD[31m\uFFFD&amp;&quot;x\uFFFD) \ud83d\ude00"), html);
        assertEquals("a\uFFFDb\uFFFDc\ud83d\ude00", Html.text("a\udce2b\ud83dc\ud83d\ude00"));
    }

    @Test
    void rendersInHeadlessChromiumWithoutErrorsOrRequests(@TempDir Path dir) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assertTrue(Files.isExecutable(chromium), "Debian's chromium is needed (scripts/setup-env installs it)");
        Path page = dir.resolve("report.html");
        Files.writeString(page, HtmlReport.render(hostile()), StandardCharsets.UTF_8);

        Run dom = chromium(dir, "--dump-dom", page.toUri().toString());
        assertEquals(0, dom.code, dom.err);
        // The DOM the browser built: the hostile name is text, not an element.
        assertFalse(dom.out.contains("<img"), "an <img> element was created from a process name");
        assertTrue(dom.out.contains("&lt;img src=x onerror=alert(1)&gt;"), dom.out);
        assertTrue(dom.out.contains("CPU-throttled"), dom.out);
        assertFalse(dom.err.contains("CONSOLE"), "console messages: " + dom.err);
        assertFalse(dom.err.contains("net::ERR"), "network requests: " + dom.err);
        assertFalse(dom.err.contains("Refused to"), "blocked loads: " + dom.err);

        Path png = dir.resolve("report.png");
        Run shot = chromium(dir, "--screenshot=" + png, "--window-size=1000,1400", page.toUri().toString());
        assertEquals(0, shot.code, shot.err);
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 10_000, "screenshot too small: " + bytes.length);
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals('P', bytes[1]);
    }

    /**
     * The charts' own geometry as the browser lays them out: every label lies inside its chart, and no line chart's
     * legend lies over its plot (where a limit drawn at the maximum, or the highest points, cross it). The charts of
     * the report are put into a page of the test's own with a script measuring them (the report's policy allows no
     * script but the flame graph's). Before, the memory chart's y labels ("140.8 MiB") began left of the chart, cut
     * in the report, and the legends were inside the plot's top.
     */
    @Test
    void chartLabelsFitAndLegendsStayOffThePlot(@TempDir Path dir) throws Exception {
        String html = HtmlReport.render(hostile());
        java.util.regex.Matcher svg = java.util.regex.Pattern.compile("<svg.*?</svg>", java.util.regex.Pattern.DOTALL).matcher(html);
        StringBuilder page = new StringBuilder("<!doctype html><html><head><style>svg text{font:11px system-ui,sans-serif}"
                + " .ylab{text-anchor:end} .xlab.end{text-anchor:end}</style></head><body>");
        int charts = 0;
        while (svg.find()) {
            page.append(svg.group()).append('\n');
            charts++;
        }
        assertTrue(charts >= 2, "the report has charts: " + charts);
        page.append("<pre id=\"r\"></pre><script>const bad=[];document.querySelectorAll('svg').forEach((s,k)=>{"
                + "const w=s.viewBox.baseVal.width;const plot=s.querySelector('rect.plot');"
                + "s.querySelectorAll('text').forEach(t=>{const b=t.getBBox();if(b.x<0||b.x+b.width>w)"
                + "bad.push(s.getAttribute('aria-label')+': '+t.textContent+' at x '+b.x.toFixed(1)+'..'+(b.x+b.width).toFixed(1));});"
                + "if(s.querySelector('polyline')){const p=plot.getBBox();s.querySelectorAll('text.legend').forEach(t=>{"
                + "const b=t.getBBox();if(b.y+b.height>p.y&&b.y<p.y+p.height)bad.push(s.getAttribute('aria-label')+': legend '"
                + "+t.textContent+' over the plot');});}});document.getElementById('r').textContent='RESULT['+bad.join(' | ')+']';"
                + "</script></body></html>");
        Path file = dir.resolve("charts.html");
        Files.writeString(file, page.toString(), StandardCharsets.UTF_8);
        io.boxscope.testkit.Chromium.Run dom = io.boxscope.testkit.Chromium.run(dir, "--dump-dom", file.toUri().toString());
        assertEquals(0, dom.code(), dom.err());
        assertTrue(dom.out().contains("RESULT["), "the measuring script did not run: " + dom.err());
        assertTrue(dom.out().contains("RESULT[]"), dom.out().substring(dom.out().indexOf("RESULT[")));
    }

    /** The hostile diagnosis with every eBPF section filled, names and paths hostile too. */
    static Diagnosis hostileWithEbpf() {
        Diagnosis d = hostile();
        long[] runq = new long[16];
        runq[4] = 10;
        runq[12] = 3;
        io.boxscope.tools.stacks.StackSample on = new io.boxscope.tools.stacks.StackSample(7, XSS, List.of("leaf_" + XSS, "main"),
                List.of("do_syscall_64"), 40);
        io.boxscope.tools.stacks.StackSample off = new io.boxscope.tools.stacks.StackSample(7, XSS, List.of("main"),
                List.of("futex_do_wait", "__schedule"), 5_000_000);
        EbpfFindings e = new EbpfFindings(Optional.of(new LatencyHistogram(runq)), Optional.of(List.of(on)), 99,
                Optional.of(List.of(off)), java.util.Map.of(OffCpu.LOCK, 5_000_000L), Optional.of(new LatencyHistogram(runq)),
                Optional.of(List.of(new EbpfFindings.Syscall("futex", 12, 5_000_000_000L, 1))),
                List.of(new EbpfFindings.Failure("openat", "ENOENT", 3)),
                Optional.of(List.of(new EbpfFindings.FileIo("/tmp/" + XSS, 7, 3, 4096, 1_000_000, 1, 1))), List.of());
        Verdict v = Rules.judge(d.target(), d.metrics(), List.of(), e);
        return new Diagnosis(d.target(), d.metrics(), v, d.timeline(), d.problems(), 0, false, e);
    }

    @Test
    void ebpfSectionsRenderWithTheFlameGraphScriptAllowedByItsHash(@TempDir Path dir) throws Exception {
        String html = HtmlReport.render(hostileWithEbpf());
        assertFalse(html.contains(XSS), "raw hostile name in the report");
        assertTrue(html.contains("script-src " + io.boxscope.tools.stacks.FlameGraph.scriptHash()), "CSP must allow exactly the script");
        for (String ref : new String[] {"http:", "https:", "src=\"", "href=\"", "url(", "@import"}) {
            assertFalse(html.contains(ref), "the report would make a request: " + ref);
        }
        Path page = dir.resolve("ebpf.html");
        Files.writeString(page, html, StandardCharsets.UTF_8);
        io.boxscope.testkit.Chromium.Run dom = io.boxscope.testkit.Chromium.run(dir, "--dump-dom", page.toUri().toString());
        assertEquals(0, dom.code(), dom.err());
        assertEquals(List.of(), dom.complaints());
        assertFalse(dom.out().contains("<img"), "an <img> element was created from a name");
        for (String section : List.of("Run-queue latency", "On-CPU profile", "Off-CPU time", "Block I/O latency", "System calls", "Files")) {
            assertTrue(dom.out().contains(section), section + " missing");
        }
        // Both flame graphs were drawn by the script: frames are boxes in the rendered DOM.
        assertTrue(dom.out().split("class=\"fg-f\"", -1).length - 1 >= 8, "flame graphs not drawn");
        assertTrue(dom.out().contains("leaf_&lt;img src=x onerror=alert(1)&gt;"), "a frame name is not text");
        io.boxscope.testkit.Chromium.screenshot(dir, page, 1000, 3200);
    }

    /**
     * A flame graph section whose kernel frames are [unknown] because kallsyms could not be read says how many and
     * why, escaped (the reason names a path, which can be anything); a section whose frames were named says nothing.
     */
    @Test
    void unnamedKernelFramesAreSaidInTheirFlameGraphSection() {
        EbpfFindings e = hostileWithEbpf().ebpf();
        io.boxscope.probe.output.KernelSymbolsMissing on = new io.boxscope.probe.output.KernelSymbolsMissing(12,
                "kernel symbols could not be read: /tmp/" + XSS + "/kallsyms: no such file");
        EbpfFindings hidden = new EbpfFindings(e.runQueue(), e.onCpu(), e.onCpuHz(), e.offCpu(), e.offCpuByReason(), e.blockIo(),
                e.syscalls(), e.failures(), e.files(), e.unmeasured(), e.syscallsTracedShare(), Optional.of(on), Optional.empty());
        Diagnosis d = hostileWithEbpf();
        String html = HtmlReport.render(new Diagnosis(d.target(), d.metrics(), d.verdict(), d.timeline(), d.problems(), 0, false, hidden));
        assertFalse(html.contains(XSS), "raw hostile reason in the report");
        String note = "<p class=\"missing unnamed\">12 distinct kernel addresses in the stacks shown as [unknown]: kernel symbols could not be read: /tmp/"
                + Html.text(XSS) + "/kallsyms: no such file</p>";
        assertEquals(1, html.split(java.util.regex.Pattern.quote(note), -1).length - 1, html);
        int onCpu = html.indexOf("id=\"oncpu\""), offCpu = html.indexOf("id=\"offcpu\"");
        assertTrue(onCpu < html.indexOf(note) && html.indexOf(note) < offCpu, "the note is not in the on-CPU section");
        assertFalse(HtmlReport.render(d).contains("missing unnamed"), "a note without unnamed frames");
    }

    record Run(int code, String out, String err) {}

    static Run chromium(Path dir, String... args) throws IOException, InterruptedException {
        io.boxscope.testkit.Chromium.Run r = io.boxscope.testkit.Chromium.run(dir, args);
        return new Run(r.code(), r.out(), r.err());
    }
}
