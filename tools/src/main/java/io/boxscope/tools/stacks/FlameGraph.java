package io.boxscope.tools.stacks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.proc.json.Json;

/**
 * An interactive flame graph in one self-contained HTML file, or as a fragment of another page
 * (diagnose's report): the frames as positioned boxes, widest first, click to zoom on a frame (its
 * ancestors stay drawn to click back), a search box that paints matching frames and says what share
 * of the total they hold. No network, no CDN: the script and style are inline, and the page's
 * Content-Security-Policy allows only that script, by its SHA-256 ({@link #scriptSource()}).
 *
 * <p>The stacks travel as JSON in a {@code <script type="application/json">} block, written with
 * {@link Json#writeHtmlSafe} ({@code <}, {@code >} and {@code &} as {@code \\u} escapes, so no name
 * can close the block), and the script sets every name with {@code textContent}: a frame or command
 * named {@code <img src=x onerror=alert(1)>} is shown as text.
 */
public final class FlameGraph {
    private static final String SCRIPT = resource("flamegraph.js");
    private static final String STYLE = resource("flamegraph.css");

    private FlameGraph() {}

    /** The inline script, the same for every graph of a page (so one CSP hash covers them). */
    public static String scriptSource() {
        return SCRIPT;
    }

    /** The inline style of the graphs. */
    public static String style() {
        return STYLE;
    }

    /** The CSP source allowing {@link #scriptSource()}: {@code 'sha256-...'}. */
    public static String scriptHash() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(SCRIPT.getBytes(StandardCharsets.UTF_8));
            return "'sha256-" + Base64.getEncoder().encodeToString(d) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * One graph's markup (its data included, not the script): put {@link #scriptSource()} once at the
     * end of the page. {@code unit} names the weights ("samples", "us").
     */
    public static String fragment(List<StackSample> samples, String unit) {
        return fragment(samples, unit, "", "");
    }

    /**
     * The markup with a title drawn above the graph and a note under it (what the graph lacks: kernel frames
     * shown as {@code [unknown]} because kallsyms could not be read; empty for none). Nothing from the caller is
     * written as HTML: the title, note and unit travel in the JSON block with the stacks, and the script sets them
     * as text.
     */
    static String fragment(List<StackSample> samples, String unit, String title, String note) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("title", title);
        data.put("note", note);
        data.put("unit", unit);
        data.put("root", tree(samples));
        StringBuilder b = new StringBuilder(4096);
        b.append("<div class=\"fg\"><h1 class=\"fg-title\"></h1><p class=\"fg-note\"></p>");
        b.append("<div class=\"fg-bar\"><input class=\"fg-search\" type=\"search\" placeholder=\"Search frames\" aria-label=\"Search frames\">");
        b.append("<button class=\"fg-reset\" type=\"button\">Reset zoom</button></div>");
        b.append("<div class=\"fg-info\"></div><div class=\"fg-canvas\"></div>");
        b.append("<script type=\"application/json\" class=\"fg-data\">").append(Json.writeHtmlSafe(data)).append("</script>");
        return b.append("</div>").toString();
    }

    /** A whole page with one graph and {@code title} above it (set as text by the script). */
    public static String page(String title, List<StackSample> samples, String unit) {
        return page(title, samples, unit, "");
    }

    /**
     * As above, with {@code note} shown under the title (set as text by the script; empty for none): profile's
     * {@code --flame} says there how many kernel frames are {@code [unknown]} because kallsyms could not be read.
     */
    public static String page(String title, List<StackSample> samples, String unit, String note) {
        StringBuilder b = new StringBuilder(8192);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        b.append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src ")
                .append(scriptHash()).append("\">");
        b.append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
        b.append("<title>flame graph</title><style>")
                .append("body{margin:16px;font:14px system-ui,sans-serif;color:#1d2330}")
                .append(STYLE).append("</style></head><body>");
        b.append(fragment(samples, unit, title, note));
        b.append("<script>").append(SCRIPT).append("</script></body></html>\n");
        return b.toString();
    }

    /**
     * The merged call tree as nested {@code [name, total, kind, children]} lists, the root called
     * {@code all}; children widest first. Kind: 0 command, 1 user frame, 2 kernel frame.
     */
    static List<Object> tree(List<StackSample> samples) {
        Node root = new Node("all", 0);
        for (StackSample s : samples) {
            root.total += s.weight();
            Node n = root.child(s.comm(), 0);
            n.total += s.weight();
            for (String f : s.user().reversed()) {
                n = n.child(f, 1);
                n.total += s.weight();
            }
            for (String f : s.kernel().reversed()) {
                n = n.child(f, 2);
                n.total += s.weight();
            }
        }
        return root.toList();
    }

    private static final class Node {
        final String name;
        final int kind;
        long total;
        final Map<String, Node> children = new LinkedHashMap<>();

        Node(String name, int kind) {
            this.name = name;
            this.kind = kind;
        }

        Node child(String n, int k) {
            return children.computeIfAbsent(k + ":" + n, x -> new Node(n, k));
        }

        List<Object> toList() {
            List<Node> kids = new ArrayList<>(children.values());
            kids.sort((a, b) -> Long.compare(b.total, a.total));
            List<Object> out = new ArrayList<>(4);
            out.add(name);
            out.add(total);
            out.add(kind);
            List<Object> c = new ArrayList<>(kids.size());
            for (Node k : kids) {
                c.add(k.toList());
            }
            out.add(c);
            return out;
        }
    }

    private static String resource(String name) {
        try (InputStream in = FlameGraph.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + name, e);
        }
    }
}
