import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfKind;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times parsing /sys/kernel/btf/vmlinux with Boxscope's BTF parser. Launched by benchmarks/btf-parse:
 * "cold" does one parse in this (fresh) JVM, as a CLI command would; "warm" repeats it and prints medians.
 */
public final class BtfParseBench {
    public static void main(String[] args) throws Exception {
        boolean warm = args.length > 0 && args[0].equals("warm");
        int runs = warm ? 30 : 1;
        double[] parse = new double[runs];
        double[] lookup = new double[runs];
        double[] tracepoints = new double[runs];
        double[] decodeAll = new double[runs];
        int types = 0;
        int rawTps = 0;
        for (int r = 0; r < (warm ? runs + 10 : runs); r++) {
            long t0 = System.nanoTime();
            Btf btf = Btf.vmlinux(Path.of("/sys"));
            long t1 = System.nanoTime();
            long off = btf.member("task_struct.pid").byteOffset();
            btf.rawTracepointTypeId("sched_switch").orElseThrow();
            long t2 = System.nanoTime();
            rawTps = btf.rawTracepoints().size();
            long t3 = System.nanoTime();
            for (int id = 0; id < btf.typeCount(); id++) {
                btf.type(id);
            }
            long t4 = System.nanoTime();
            types = btf.typeCount();
            if (off <= 0 || btf.findId("task_struct", BtfKind.STRUCT).isEmpty()) {
                throw new IllegalStateException("task_struct.pid not found");
            }
            int i = warm ? r - 10 : r; // warm mode: the first 10 rounds are warm-up
            if (i >= 0) {
                parse[i] = (t1 - t0) / 1e6;
                lookup[i] = (t2 - t1) / 1e6;
                tracepoints[i] = (t3 - t2) / 1e6;
                decodeAll[i] = (t4 - t3) / 1e6;
            }
        }
        System.out.printf(Locale.ROOT, "%s parse_ms=%.1f first_lookup_ms=%.1f raw_tracepoints_ms=%.1f decode_all_ms=%.1f types=%d raw_tracepoints=%d%n",
                warm ? "warm(median of 30)" : "cold", median(parse), median(lookup), median(tracepoints), median(decodeAll), types, rawTps);
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
