import io.boxscope.bpf.symbols.KernelSymbols;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * CPU time of what diagnose's two stack collectors do with kernel symbols after the window: each gets the
 * kallsyms table (KernelSymbols.shared when the class has it, else KernelSymbols.read, as before the
 * change) and symbolizes 100,000 kernel addresses. Launched by benchmarks/kallsyms-load, once per fresh JVM.
 */
public final class KallsymsLoadBench {
    public static void main(String[] args) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Method get;
        try {
            get = KernelSymbols.class.getMethod("shared", Path.class);
        } catch (NoSuchMethodException e) {
            get = KernelSymbols.class.getMethod("read", Path.class);
        }
        Path proc = Path.of("/proc");
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
                if (k.resolve(0xffffffff81000000L + (r.nextLong() & 0x1ffffffL)).isPresent()) {
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
