package io.boxscope.trace.filter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.boxscope.testkit.Requirements;

/** Runs the real sysdig (Debian's 0.29.3) as the oracle. */
final class Sysdig {
    private Sysdig() {}

    static Path binary() {
        for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
            Path p = Path.of(dir, "sysdig");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Skips a developer's run, fails CI's and root's, when sysdig is not installed. */
    static Path require() {
        Path p = binary();
        Requirements.require(p != null, "sysdig 0.29 (Debian package sysdig; scripts/setup-env installs it)");
        return p;
    }

    record Result(int exit, String output) {}

    static Result run(String... args) throws IOException, InterruptedException {
        Path bin = require();
        String[] cmd = new String[args.length + 1];
        cmd[0] = bin.toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("sysdig did not finish: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /**
     * "ok" when sysdig compiles the filter, "bad" when it prints a filter error. sysdig compiles
     * the filter before it opens the capture file, so an empty file (which it then fails to read:
     * "Could not initialize reader") tells a good filter from a bad one without any events.
     */
    static String classify(String filter, Path emptyFile) throws IOException, InterruptedException {
        Result r = run("-r", emptyFile.toString(), filter);
        if (r.output().contains("filter error") || r.output().contains("expression mixes")) {
            return "bad";
        }
        if (r.output().contains("Could not initialize reader")) {
            return "ok";
        }
        throw new IOException("unexpected sysdig output (exit " + r.exit() + ") for [" + filter + "]: " + r.output());
    }
}
