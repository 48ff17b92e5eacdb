import io.boxscope.bpf.symbols.KernelSymbols;
import io.boxscope.bpf.symbols.ProcessSymbolizer;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.Value;
import io.boxscope.tools.stacks.StackRun;
import io.boxscope.tools.stacks.StackSamples;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * What reading diagnose's on-CPU profile costs, piece by piece (CPU of this thread, ThreadMXBean).
 *
 *     java -XX:TieredStopAtLevel=1 --enable-native-access=ALL-UNNAMED -cp CLI/target/boxscope.jar \
 *         benchmarks/diagnose-overhead.d/ProfileRead.java PID [SECONDS]
 *
 * Loads diagnose's on-CPU script (benchmarks copy of diagnose/src/main/resources/.../ebpf-oncpu.bt, filtered
 * on PID instead of a cgroup), then: the kallsyms load and the target's ELF symbolizer (done first here, as
 * the off-CPU collector needs kallsyms anyway); the window; StackRun.finish (map read and every stack named,
 * the probe runtime's path); StackSamples.of (offsets cut, merged by name, as diagnose does); and, on the
 * frames just read, every frame resolved again and the innermost frame of each key only: the second is
 * what naming fewer frames cannot avoid (EbpfFindings.topFunctions needs every key's innermost frame),
 * the difference between them is the most that naming only some stacks could save. Run as root.
 */
public class ProfileRead {
    static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
    }

    public static void main(String[] a) throws Exception {
        int pid = Integer.parseInt(a[0]);
        long secs = a.length > 1 ? Long.parseLong(a[1]) : 10;
        String src = "profile:hz:99 /pid == " + pid + "/ { @oncpu[pid, comm, ustack, kstack] = count(); }";
        try (StackRun.Started s = StackRun.load("profile-read", src, Path.of("/sys"), null)) {
            long t0 = cpu();
            KernelSymbols k = KernelSymbols.shared(Path.of("/proc"));
            long t1 = cpu();
            ProcessSymbolizer p = ProcessSymbolizer.of(Path.of("/proc"), pid);
            long t2 = cpu();
            s.attach();
            Thread.sleep(secs * 1000);
            s.detach();
            long t3 = cpu();
            MapDump m = s.finish(java.util.List.of("@oncpu")).map("@oncpu");
            long t4 = cpu();
            int merged = StackSamples.of(m, StackSamples.Keys.STANDARD).size();
            long t5 = cpu();
            int frames = 0;
            int found = 0;
            for (MapDump.Entry e : m.entries()) {
                for (int i = 2; i <= 3; i++) {
                    if (e.key().get(i) instanceof Value.Stack st) {
                        for (Value.Frame f : st.frames()) {
                            frames++;
                            found += (i == 2 ? p.resolve(f.address()) : k.resolve(f.address())).isPresent() ? 1 : 0;
                        }
                    }
                }
            }
            long t6 = cpu();
            int leaves = 0;
            for (MapDump.Entry e : m.entries()) {
                Value.Stack ks = (Value.Stack) e.key().get(3);
                Value.Stack us = (Value.Stack) e.key().get(2);
                if (!ks.frames().isEmpty()) {
                    leaves += k.resolve(ks.frames().getFirst().address()).isPresent() ? 1 : 0;
                } else if (!us.frames().isEmpty()) {
                    leaves += p.resolve(us.frames().getFirst().address()).isPresent() ? 1 : 0;
                }
            }
            long t7 = cpu();
            System.out.printf("kallsyms load %d ms, target's ELF symbolizer %d ms, finish (read and name %d keys, %d frames) %d ms,"
                    + " StackSamples.of (%d merged) %d ms, every frame resolved again %d ms (%d named), innermost frames only %d ms (%d named)%n",
                    t1 - t0, t2 - t1, m.entries().size(), frames, t4 - t3, merged, t5 - t4, t6 - t5, found, t7 - t6, leaves);
        }
    }
}
