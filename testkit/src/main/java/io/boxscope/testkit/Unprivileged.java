package io.boxscope.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a main class in a child JVM (this JVM's java binary and class path) as user nobody
 * (65534), through util-linux setpriv: tests run as root, and only a really unprivileged process
 * meets the kernel's ptrace access check on another user's /proc/PID/smaps (proc(5)).
 *
 * <p>The class path is copied to a temporary directory with mode 0755/0644 first: the checkout and
 * ~/.m2 need not be readable by nobody, and no permission outside that directory is changed.
 */
public final class Unprivileged implements AutoCloseable {
    public static final int NOBODY = 65534;

    public record Result(int code, String out, String err) {}

    private final Path dir;
    private final String classPath;

    public Unprivileged() throws IOException {
        dir = Files.createTempDirectory("boxscope-test-nobody");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path src = Path.of(e);
            if (e.isEmpty() || !Files.exists(src)) {
                continue;
            }
            Path dst = dir.resolve("cp" + i++ + (Files.isDirectory(src) ? "" : ".jar"));
            copy(src, dst);
            entries.add(dst.toString());
        }
        classPath = String.join(java.io.File.pathSeparator, entries);
    }

    private static void copy(Path src, Path dst) throws IOException {
        if (!Files.isDirectory(src)) {
            Files.copy(src, dst);
            Files.setPosixFilePermissions(dst, PosixFilePermissions.fromString("rw-r--r--"));
            return;
        }
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                    Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(p, t);
                    Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }

    /** setpriv(1) options that make the child user nobody, without supplementary groups. */
    public static final List<String> AS_NOBODY = List.of("--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups");

    /**
     * setpriv(1) options that keep the child root (uid 0) but take {@code capabilities} (setpriv's
     * names, e.g. "bpf", "sys_ptrace") out of its bounding set, so its exec does not get them: root
     * as in a container started without them (capabilities(7), "Capabilities and execution of
     * programs by root").
     */
    public static List<String> rootWithout(String... capabilities) {
        StringBuilder drop = new StringBuilder();
        for (String c : capabilities) {
            drop.append(drop.isEmpty() ? "" : ",").append('-').append(c);
        }
        return List.of("--bounding-set=" + drop, "--inh-caps=" + drop);
    }

    /** {@code java [jvmArgs] -cp COPY mainClass args} as nobody; standard output and error captured. */
    public Result java(List<String> jvmArgs, String mainClass, String... args) throws IOException, InterruptedException {
        return javaWith(AS_NOBODY, jvmArgs, mainClass, args);
    }

    /** The same with other setpriv options ({@link #AS_NOBODY}, {@link #rootWithout}). */
    public Result javaWith(List<String> setpriv, List<String> jvmArgs, String mainClass, String... args)
            throws IOException, InterruptedException {
        return javaUnder(List.of(), setpriv, jvmArgs, mainClass, args);
    }

    /**
     * The same, run by {@code wrapper} (a command that ends by executing its arguments, e.g. unshare(1) and a shell
     * that bind-mounts something first): the wrapper runs as root, the JVM as {@code setpriv} makes it.
     */
    public Result javaUnder(List<String> wrapper, List<String> setpriv, List<String> jvmArgs, String mainClass,
            String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.add("setpriv");
        cmd.addAll(setpriv);
        cmd.addAll(List.of("--", java, "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", classPath, mainClass));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("HOME", dir.toString());
        pb.environment().remove("BOXSCOPE_DEBUG");
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
            throw new AssertionError(cmd + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
