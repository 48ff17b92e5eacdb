import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.sema.CheckOptions;
import io.boxscope.probe.output.Output;
import io.boxscope.probe.runtime.ProbeSession;
import io.boxscope.probe.runtime.ProbeSink;
import io.boxscope.probe.runtime.Scripts;

/**
 * The probe runtime's printf consumer on a pre-filled ring: attaches
 * {@code t:syscalls:sys_enter_getppid /pid == THIS/ { printf("%d %s\n", tid, comm); }} (64 MiB ring), makes
 * RECORDS getppid calls itself while nothing reads the ring, then polls until every line has been written to a
 * stream that counts bytes and lines (no file, no terminal). The consumer's CPU time (this thread's, so the
 * pollers' linger sleeps and waiting for a CPU on a busy machine do not count) gives records/s formatted.
 * Mode "values": the sink every build has (records decoded into values, Output.render, a PrintWriter: the
 * path of JSON and terminals, and of `boxscope probe > file` before branch drain). Mode "bytes": the sink
 * `boxscope probe > file` uses since branch drain (PrintfBytes into a TextBuffer, BytesSink.java).
 * Part of benchmarks/printf-drain. Usage: PrintfDrain values|bytes [RECORDS=1000000] [WARMUP=3] [ROUNDS=5]
 */
public class PrintfDrain {
    /** Counts what is written, as a file would take it. */
    static final class Counting extends OutputStream {
        long bytes, lines;

        @Override
        public void write(int b) {
            bytes++;
            if (b == '\n') {
                lines++;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    lines++;
                }
            }
        }
    }

    public static void main(String[] args) throws Throwable {
        String mode = args.length > 0 ? args[0] : "bytes";
        int records = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        long pid = ProcessHandle.current().pid();
        String program = "t:syscalls:sys_enter_getppid /pid == " + pid + "/ { printf(\"%d %s\\n\", tid, comm); }";
        CompiledScript script = Scripts.compile(new SourceText("stdin", program), Path.of("/sys"),
                new CheckOptions(false, List.of()).withRingBytes(64 << 20));
        Linker l = Linker.nativeLinker();
        MethodHandle getppid = l.downcallHandle(l.defaultLookup().find("getppid").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        var threads = ManagementFactory.getThreadMXBean();
        Counting out = new Counting();
        Output output = Output.text();
        ProbeSink sink;
        PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        if (mode.equals("values")) {
            sink = new RenderingSink(output, w::print, w::flush);
        } else if (mode.equals("bytes")) {
            // by name: the launcher compiles BytesSink.java (which needs TextBuffer) only in this mode
            sink = (ProbeSink) Class.forName("BytesSink").getDeclaredMethod("of", Output.class, OutputStream.class)
                    .invoke(null, output, out);
        } else {
            throw new IllegalArgumentException("mode values or bytes, not " + mode);
        }
        double[] rates = new double[rounds];
        try (ProbeSession session = ProbeSession.load(script, output, "stdin")) {
            session.attach();
            for (int round = 0; round < warmup + rounds; round++) {
                long lines0 = out.lines;
                for (int i = 0; i < records; i++) {
                    int unused = (int) getppid.invokeExact();
                }
                long cpu0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                while (out.lines - lines0 < records) {
                    session.poll(Duration.ofMillis(100), sink);
                    if (System.nanoTime() - t0 > 60_000_000_000L) {
                        throw new IllegalStateException("only " + (out.lines - lines0) + " of " + records + " lines in 60 s");
                    }
                }
                long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                long wall = System.nanoTime() - t0;
                if (out.lines - lines0 != records) {
                    throw new IllegalStateException((out.lines - lines0) + " lines for " + records + " calls (lost events?)");
                }
                double rate = records / (cpu / 1e9);
                System.out.printf(Locale.ROOT, "%s round %d: %d lines, %.1f ms CPU (%.1f ms wall): %.2f M records/s, %.0f ns/record%s%n",
                        mode, round + 1, records, cpu / 1e6, wall / 1e6, rate / 1e6, cpu / (double) records,
                        round < warmup ? " (warm-up)" : "");
                if (round >= warmup) {
                    rates[round - warmup] = rate;
                }
            }
            session.finish(sink);
        }
        Arrays.sort(rates);
        System.out.printf(Locale.ROOT, "%s: best %.2f M records/s, median %.2f M records/s (%d bytes written)%n", mode,
                rates[rates.length - 1] / 1e6, rates[rates.length / 2] / 1e6, out.bytes);
    }
}
