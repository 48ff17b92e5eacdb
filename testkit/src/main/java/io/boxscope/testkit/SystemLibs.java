package io.boxscope.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Shared libraries as this machine's dynamic loader finds them, so tests do not hard-code a
 * multiarch path such as {@code /lib/x86_64-linux-gnu/libc.so.6}. The oracle is the loader itself:
 * {@code ldd /bin/true} (ld.so(8) with LD_TRACE_LOADED_OBJECTS) prints the path it would map for
 * each dependency, e.g. {@code libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)}.
 */
public final class SystemLibs {
    private static volatile Path libc;

    private SystemLibs() {}

    /** The C library's path as {@code ldd /bin/true} prints it (not resolved through symlinks). */
    public static Path libc() {
        Path p = libc;
        if (p == null) {
            p = resolve("/bin/true", "libc.so.6");
            libc = p;
        }
        return p;
    }

    /** The path {@code ldd binary} prints for the dependency {@code soname}. */
    public static Path resolve(String binary, String soname) {
        String out;
        try {
            Process p = new ProcessBuilder("ldd", binary).redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("ldd " + binary + " failed: " + out);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run ldd (Debian package libc-bin): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for ldd", e);
        }
        for (String line : out.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f...)"
            if (f.length >= 3 && f[0].equals(soname) && f[1].equals("=>")) {
                Path path = Path.of(f[2]);
                if (!Files.isRegularFile(path)) {
                    throw new AssertionError("ldd " + binary + " names " + path + " for " + soname + ", not a file");
                }
                return path;
            }
        }
        throw new AssertionError("ldd " + binary + " lists no " + soname + ":\n" + out);
    }
}
