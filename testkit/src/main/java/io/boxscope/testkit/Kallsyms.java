package io.boxscope.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Kernel symbols for tests of what a command does when it cannot name kernel addresses: a proc root of the test's own
 * whose {@code kallsyms} shows every address as 0 (what an unprivileged reader, or any reader under
 * {@code kernel.kptr_restrict=2}, gets: Documentation/admin-guide/sysctl/kernel.rst), and whether this machine's own
 * {@code /proc/kallsyms} names kernel text, asked of the file itself, not of the code under test.
 */
public final class Kallsyms {
    private Kallsyms() {}

    /** The {@code kallsyms} of {@link #hidden}: two text symbols, both at address 0. */
    public static final String HIDDEN = "0000000000000000 T _stext\n0000000000000000 T schedule\n";

    /** Makes {@code dir} (and its parents) a proc root whose {@code kallsyms} is {@link #HIDDEN}; returns {@code dir}. */
    public static Path hidden(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("kallsyms"), HIDDEN);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("kallsyms"), e);
        }
    }

    /**
     * True when this machine's {@code /proc/kallsyms} can be read and lists a text symbol ({@code T} or {@code t}) at
     * an address other than 0: kernel addresses can be named here. False when it cannot be opened or shows zeros.
     */
    public static boolean readableHere() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/kallsyms"))) {
            return lines.anyMatch(l -> {
                String[] f = l.split(" ", 4);
                return f.length >= 3 && (f[1].equals("T") || f[1].equals("t")) && !f[0].chars().allMatch(c -> c == '0');
            });
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }
}
