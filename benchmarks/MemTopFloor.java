import java.io.FileInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Not Boxscope code: the least work any JVM program must do to print mem top's numbers, as a
 * yardstick for benchmarks/mem-vs-procps. Per process it reads exactly what `boxscope mem top`
 * and smem need (smaps_rollup for RSS, PSS, USS and swap; cmdline; cgroup for the container; the
 * owner of /proc/PID for the user), on one thread per CPU, and prints one unaligned line per
 * process: no options, no container names, no user names, no sorting, no table, no error
 * accounting. With {@code --no-work} it exits as soon as it starts: the JVM's own start and exit.
 */
public final class MemTopFloor {
    private static final String[] KEYS = {"Rss:", "Pss:", "Private_Clean:", "Private_Dirty:", "Swap:"};

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--no-work")) {
            return;
        }
        String[] names = new java.io.File("/proc").list();
        AtomicInteger next = new AtomicInteger();
        int threads = Runtime.getRuntime().availableProcessors();
        StringBuilder[] out = new StringBuilder[threads];
        Thread[] helpers = new Thread[threads - 1];
        for (int t = 1; t < threads; t++) {
            int k = t;
            helpers[t - 1] = Thread.ofPlatform().start(() -> out[k] = scan(names, next));
        }
        out[0] = scan(names, next);
        for (Thread h : helpers) {
            h.join();
        }
        PrintStream ps = System.out;
        for (StringBuilder sb : out) {
            ps.print(sb);
        }
        ps.flush();
    }

    private static StringBuilder scan(String[] names, AtomicInteger next) {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[16 * 1024];
        long[] v = new long[KEYS.length];
        for (int i = next.getAndIncrement(); i < names.length; i = next.getAndIncrement()) {
            String pid = names[i];
            if (pid.charAt(0) < '0' || pid.charAt(0) > '9') {
                continue;
            }
            String dir = "/proc/" + pid + "/";
            int n = read(dir + "smaps_rollup", buf);
            if (n <= 0) {
                continue; // kernel thread, zombie, gone or denied
            }
            for (int k = 0; k < KEYS.length; k++) {
                v[k] = field(buf, n, KEYS[k]);
            }
            int c = read(dir + "cmdline", buf);
            String cmd = c <= 0 ? "" : new String(buf, 0, c, StandardCharsets.UTF_8).replace('\0', ' ').trim();
            int g = read(dir + "cgroup", buf);
            String cgroup = g <= 0 ? "" : new String(buf, 0, g, StandardCharsets.ISO_8859_1).trim();
            Object uid;
            try {
                uid = Files.getAttribute(Path.of(dir), "unix:uid");
            } catch (IOException e) {
                continue;
            }
            sb.append(pid).append(' ').append(uid).append(' ').append(cgroup.length()).append(' ')
                    .append(v[4]).append(' ').append(v[2] + v[3]).append(' ').append(v[1]).append(' ')
                    .append(v[0]).append(' ').append(cmd).append('\n');
        }
        return sb;
    }

    /** The kB value of the line starting with {@code key}, or 0. */
    private static long field(byte[] b, int n, String key) {
        outer:
        for (int i = 0; i < n; i++) {
            if (i == 0 || b[i - 1] == '\n') {
                for (int k = 0; k < key.length(); k++) {
                    if (i + k >= n || b[i + k] != key.charAt(k)) {
                        continue outer;
                    }
                }
                long value = 0;
                for (int j = i + key.length(); j < n && b[j] != '\n'; j++) {
                    if (b[j] >= '0' && b[j] <= '9') {
                        value = value * 10 + (b[j] - '0');
                    }
                }
                return value;
            }
        }
        return 0;
    }

    private static int read(String path, byte[] buf) {
        try (FileInputStream in = new FileInputStream(path)) {
            int len = 0;
            for (int r; len < buf.length && (r = in.read(buf, len, buf.length - len)) > 0; ) {
                len += r;
            }
            return len;
        } catch (IOException e) {
            return -1;
        }
    }
}
