package io.boxscope.cli;

import io.boxscope.bpf.sys.Sys;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * How a long-running command (syscount today; probe, trace and the tools later) ends on SIGINT and
 * SIGTERM: the signal only asks it to stop; the command's own thread then prints its final output,
 * closes what it attached (programs, links, maps) and returns exit 0, as bpftrace and the
 * libbpf-tools do on Ctrl+C. A second signal exits at once (128 + signal number, through the JVM's
 * shutdown) for a command that does not stop, unless it came less than {@link #SAME_REQUEST_NANOS} after
 * the first: {@code timeout 5 boxscope ...}, the way the lab runs every tool, sends its signal twice,
 * to the command and then to its whole process group (coreutils src/timeout.c, {@code cleanup()}:
 * {@code send_sig (monitored_pid, sig)} then {@code send_sig (0, sig)}; {@code strace -e kill timeout 1
 * sleep 3} shows both), and the second one used to end the command with 143 and without its final
 * output (its maps, its histogram) about one run in four. bpftrace and the libbpf-tools only set a flag
 * on every signal, so they never lose it.
 *
 * <pre>
 * try (StopSignals stop = StopSignals.install()) {
 *     while (!stop.await(nanosUntilNextReport)) { report(); }
 * }
 * finalReport();
 * </pre>
 *
 * <p>Why this and not a shutdown hook. A shutdown hook runs while the JVM is already exiting,
 * racing the command's own thread; and it never runs for a job a script started in the background
 * ({@code boxscope syscount & kill -INT $!}): without job control the shell starts asynchronous
 * commands with SIGINT ignored (POSIX, "Shell Command Language", 2.9.3), the JVM then leaves SIGINT
 * ignored (HotSpot's JVM_RegisterSignal does not install a handler for a shutdown signal that is
 * ignored at start-up), and {@code kill -INT} does nothing. So, while a command runs, its
 * handlers replace the JVM's for SIGINT and SIGTERM, through {@code sun.misc.Signal} (module
 * jdk.unsupported, kept exported for this use by JEP 260; {@code jdk.internal.misc.Signal} is not
 * exported). When the JVM reports the signal as ignored, its disposition is first reset to SIG_DFL
 * with rt_sigaction(2) (through FFM's syscall(2) downcall), so that the JVM installs its handler; bpftrace likewise
 * installs its SIGINT handler whatever it inherited. {@link #close} puts the previous handlers
 * (or SIG_IGN) back.
 */
public final class StopSignals implements AutoCloseable {
    private static final String[] SIGNALS = {"INT", "TERM"};
    /**
     * A repeated signal this soon after the first is the same request: timeout(1)'s two kill(2)s are microseconds
     * apart (the JVM's dispatcher may run their handlers milliseconds apart under load), a person who presses
     * Ctrl+C again because the command does not end waits longer than this.
     */
    static final long SAME_REQUEST_NANOS = 1_000_000_000L;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private volatile String received;
    private volatile long receivedAt;

    private StopSignals() {}

    /** Installs the handlers for SIGINT and SIGTERM until {@link #close}. */
    public static StopSignals install() {
        StopSignals s = new StopSignals();
        SignalHandler handler = s::onSignal;
        for (String name : SIGNALS) {
            Signal sig = new Signal(name);
            SignalHandler old = Signal.handle(sig, handler);
            if (old == SignalHandler.SIG_IGN) {
                // The JVM kept the inherited SIG_IGN and installed nothing: reset, then install.
                resetToDefault(sig.getNumber());
                Signal.handle(sig, handler);
            }
            s.previous.put(sig, old);
        }
        return s;
    }

    private void onSignal(Signal sig) {
        long now = System.nanoTime();
        synchronized (this) { // each signal's handler runs in a thread of its own (jdk.internal.misc.Signal.dispatch)
            if (received == null) {
                receivedAt = now;
                received = "SIG" + sig.getName();
                stop.countDown();
                return;
            }
        }
        if (now - receivedAt < SAME_REQUEST_NANOS) {
            return; // the same request sent twice (timeout(1)): the command is stopping already
        }
        // Asked again later: the command does not stop by itself, so the JVM exits as it would have.
        Runtime.getRuntime().exit(128 + sig.getNumber());
    }

    /** Waits up to {@code nanos} for a stop signal; true when one came (now or before). */
    public boolean await(long nanos) throws InterruptedException {
        return stop.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** True once SIGINT or SIGTERM arrived. */
    public boolean requested() {
        return received != null;
    }

    /** "SIGINT" or "SIGTERM", or null when no signal came. */
    public String signal() {
        return received;
    }

    /** Puts back the handlers that were there before {@link #install} (the JVM's, or SIG_IGN). */
    @Override
    public void close() {
        previous.forEach(Signal::handle);
        previous.clear();
    }

    /**
     * The disposition of {@code sig} back to SIG_DFL, with rt_sigaction(2) through Boxscope's one syscall(2)
     * downcall ({@link Sys#resetSignalToDefault}) rather than libc's signal(2) through a downcall of its own, whose
     * linking cost 40-70 ms of CPU at start-up in every job a script starts in the background (docs/benchmarks.md,
     * "Classes spun at run time"); only the disposition changes, as with signal(2).
     */
    private static void resetToDefault(int sig) {
        try {
            Sys.resetSignalToDefault(sig);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reset the disposition of signal " + sig + ": " + e.getMessage(), e);
        }
    }
}
