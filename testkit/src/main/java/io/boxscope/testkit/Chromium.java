package io.boxscope.testkit;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium (scripts/setup-env installs it) run on a page the test wrote: the DOM it
 * built ({@code --dump-dom}), a screenshot, and its log on stderr, where console messages
 * ({@code CONSOLE}), failed requests ({@code net::ERR}) and Content-Security-Policy refusals
 * ({@code Refused to}) show up. Networking features that would call home are turned off.
 */
public final class Chromium {
    public static final Path BINARY = Path.of("/usr/bin/chromium");

    private Chromium() {}

    /** What one run printed. */
    public record Run(int code, String out, String err) {
        /** Console messages, failed requests and refused loads in the log; empty when the page was clean. */
        public List<String> complaints() {
            return err.lines().filter(l -> l.contains("CONSOLE") || l.contains("net::ERR") || l.contains("Refused to")).toList();
        }
    }

    /** Runs chromium with {@code args} after the headless flags; its profile lives in {@code dir}. */
    public static Run run(Path dir, String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("Debian's chromium is needed at " + BINARY + " (scripts/setup-env installs it)");
        }
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--enable-logging=stderr", "--v=0", "--user-data-dir=" + dir.resolve("profile")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException e) {
                // the process ended
            }
        });
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        reader.join();
        return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8), err);
    }

    /** A screenshot of {@code page} at {@code width}x{@code height}; returns the PNG's path (checked to be a PNG). */
    public static Path screenshot(Path dir, Path page, int width, int height) throws IOException, InterruptedException {
        Path png = dir.resolve(page.getFileName().toString().replaceAll("\\.html$", "") + ".png");
        Run shot = run(dir, "--screenshot=" + png, "--window-size=" + width + "," + height, page.toUri().toString());
        if (shot.code() != 0) {
            throw new AssertionError("chromium --screenshot failed: " + shot.err());
        }
        byte[] bytes = Files.readAllBytes(png);
        if (bytes.length < 8 || bytes[0] != (byte) 0x89 || bytes[1] != 'P') {
            throw new AssertionError("chromium wrote no PNG to " + png);
        }
        return png;
    }
}
