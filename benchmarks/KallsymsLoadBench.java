import io.boxscope.bpf.symbols.KernelSymbols;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * CPU time of what diagnose's two stack collectors do with kernel symbols after the window: each gets the
 * kallsyms table (KernelSymbols.shared when the class has it, else KernelSymbols.read, as before the
 * change) and symbolizes 100,000 kernel addresses. Launched by benchmarks/kallsyms-load, once per fresh JVM.
 * {@code --cache DIR}: the per-boot caches on in DIR (BootCache.useDirectory), as the command line has them.
 * {@code --parse-only}: the file is read first (not counted) and only KernelSymbols.parse(byte[]) is timed.
 * The addresses are random in the kernel image's text, [_stext, _etext) (system properties text.start and
 * text.end in hex, found by the script), where a profile's kernel frames are.
 */
public final class KallsymsLoadBench {
    public static void main(String[] args) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        Path proc = Path.of("/proc");
        if (args.length > 0 && args[0].equals("--parse-only")) {
            byte[] b = Files.readAllBytes(proc.resolve("kallsyms"));
            long p0 = os.getProcessCpuTime();
            long t0 = threads.getCurrentThreadCpuTime();
            KernelSymbols k = KernelSymbols.parse(b);
            long t1 = threads.getCurrentThreadCpuTime();
            long p1 = os.getProcessCpuTime();
            System.out.printf(Locale.ROOT, "parse process_cpu_ms=%.0f load_cpu_ms=%.0f wall_ms=0 gc_ms=0 symbols=%d resolved=0%n",
                    (p1 - p0) / 1e6, (t1 - t0) / 1e6, k.size());
            return;
        }
        if (args.length > 1 && args[0].equals("--cache")) {
            io.boxscope.bpf.feature.BootCache.useDirectory(Path.of(args[1]));
        }
        Method get;
        try {
            get = KernelSymbols.class.getMethod("shared", Path.class);
        } catch (NoSuchMethodException e) {
            get = KernelSymbols.class.getMethod("read", Path.class);
        }
        long start = Long.parseUnsignedLong(System.getProperty("text.start", "ffffffff81000000"), 16);
        long span = Long.parseUnsignedLong(System.getProperty("text.end", "ffffffff82000000"), 16) - start;
        long cpu0 = os.getProcessCpuTime();
        long gc0 = gcMillis();
        long t0 = System.nanoTime();
        long found = 0;
        int size = 0;
        long loadCpu = 0;
        for (int consumer = 0; consumer < 2; consumer++) {
            long l0 = os.getProcessCpuTime();
            KernelSymbols k = (KernelSymbols) get.invoke(null, proc);
            loadCpu += os.getProcessCpuTime() - l0;
            size = k.size();
            Random r = new Random(consumer);
            for (int i = 0; i < 100_000; i++) {
                if (k.resolve(start + Long.remainderUnsigned(r.nextLong(), span)).isPresent()) {
                    found++;
                }
            }
        }
        long t1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        System.out.printf(Locale.ROOT, "%s process_cpu_ms=%.0f load_cpu_ms=%.0f wall_ms=%.0f gc_ms=%d symbols=%d resolved=%d%n",
                get.getName(), (cpu1 - cpu0) / 1e6, loadCpu / 1e6, (t1 - t0) / 1e6, gcMillis() - gc0, size, found);
    }

    static long gcMillis() {
        long ms = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }
}
