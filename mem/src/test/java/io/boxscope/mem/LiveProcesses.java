package io.boxscope.mem;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the child processes live tests look at; close() kills them (by their own handles). */
public final class LiveProcesses implements AutoCloseable {
    private final List<Process> started = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    /** A sleeping python3 with the odd mappings of odd_mappings.py (+ {@code extra} 1-page VMAs). */
    public long python(int extra) throws IOException {
        Path dir = Files.createTempDirectory("boxscope-mem-odd");
        dirs.add(dir);
        Path script = dir.resolve("odd_mappings.py");
        try (var in = LiveProcesses.class.getResourceAsStream("/io/boxscope/mem/live/odd_mappings.py")) {
            Files.write(script, in.readAllBytes());
        }
        return startReady(List.of("python3", script.toString(), dir.toString(), Integer.toString(extra)));
    }

    /** busybox (static, so nothing it maps is shared with the JVM or pmap) sleeping. */
    public long busybox() throws IOException {
        Process p = new ProcessBuilder("/bin/busybox", "sleep", "600").start();
        started.add(p);
        waitSleeping(p.pid());
        return p.pid();
    }

    /** A child JVM (this JDK) running {@link Sleeper}. */
    public long jvm() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return startReady(List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-Xint", "-XX:-UsePerfData",
                "-cp", System.getProperty("java.class.path"), Sleeper.class.getName()));
    }

    /**
     * A child JVM of another installed JDK (17), run from source with -Xshare:off: it then shares no
     * page with this JDK's JVMs, which other builds on the host start and stop all the time (their
     * comings and goings change the Pss of every mapping of libjvm.so and classes.jsa).
     */
    public long otherJvm() throws IOException {
        // Debian names the directory after the architecture (java-17-openjdk-amd64, -arm64, ...).
        Path jdk;
        try (var dirs17 = Files.newDirectoryStream(Path.of("/usr/lib/jvm"), "java-17-openjdk-*")) {
            jdk = java.util.stream.StreamSupport.stream(dirs17.spliterator(), false)
                    .filter(d -> Files.isExecutable(d.resolve("bin/java"))).sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "no JDK 17 in /usr/lib/jvm/java-17-openjdk-* (apt-get install openjdk-17-jdk-headless)"));
        }
        Path dir = Files.createTempDirectory("boxscope-mem-jvm");
        dirs.add(dir);
        Path src = dir.resolve("Sleeper17.java");
        Files.writeString(src, """
                public class Sleeper17 {
                    public static void main(String[] a) throws Exception {
                        byte[] hold = new byte[8 << 20];
                        for (int i = 0; i < hold.length; i += 4096) hold[i] = 1;
                        System.out.println("ready " + ProcessHandle.current().pid());
                        System.out.flush();
                        Thread.sleep(600_000);
                        System.out.println(hold.length);
                    }
                }
                """);
        return startReady(List.of(jdk.resolve("bin/java").toString(), "-Xshare:off", "-Xint", "-XX:+UseSerialGC",
                "-XX:-UsePerfData", "-Xmx64m", src.toString()));
    }

    private long startReady(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null || !line.startsWith("ready")) {
            throw new IllegalStateException(cmd + " did not start: " + line);
        }
        waitSleeping(p.pid());
        return p.pid();
    }

    /** PF_KTHREAD in the flags of /proc/PID/stat (field 9): include/linux/sched.h. */
    static final long PF_KTHREAD = 0x00200000;

    /**
     * A kernel thread's PID, found by its flags rather than assumed: PID 2 is kthreadd on a
     * host, but in a PID namespace (tests run in a container) it may be any process, or none.
     * Kernel threads do not exit, so the PID stays valid for the test.
     */
    public static int kernelThread() throws IOException {
        int best = -1;
        String[] names = new java.io.File("/proc").list();
        for (String n : names == null ? new String[0] : names) {
            if (n.isEmpty() || !n.chars().allMatch(Character::isDigit)) {
                continue;
            }
            String stat;
            try {
                stat = Files.readString(Path.of("/proc", n, "stat"));
            } catch (IOException e) {
                continue; // exited while listing
            }
            // Fields after "(comm)": f[0] is field 3 (state), so field 9 (flags) is f[6].
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            int pid = Integer.parseInt(n);
            if ((Long.parseUnsignedLong(f[6]) & PF_KTHREAD) != 0 && (best < 0 || pid < best)) {
                best = pid;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("no kernel thread visible in /proc (a PID namespace without the host's processes?)");
        }
        return best;
    }

    /** Waits until the process is in state S (it reached its sleep). */
    static void waitSleeping(long pid) {
        for (int i = 0; i < 200; i++) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                if (state == 'S') {
                    Thread.sleep(100);
                    return;
                }
                Thread.sleep(20);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        for (Process p : started) {
            p.destroyForcibly();
        }
        for (Process p : started) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Path d : dirs) {
            try (var s = Files.walk(d)) {
                s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // temp dir left behind: harmless
            }
        }
    }
}
