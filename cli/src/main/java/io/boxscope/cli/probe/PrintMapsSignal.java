package io.boxscope.cli.probe;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGUSR1 while a probe program runs: bpftrace 0.17 sets a flag in its handler and, in its poll loop, prints every
 * map ({@code BPFtrace::print_maps}, src/bpftrace.cpp), then goes on running. Without a handler the JVM would die of
 * it (SIGUSR1's default action is to terminate, signal(7)). {@link #close} puts the previous handler back.
 */
final class PrintMapsSignal implements AutoCloseable {
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Signal signal = new Signal("USR1");
    private final SignalHandler previous;

    private PrintMapsSignal() {
        previous = Signal.handle(signal, s -> pending.set(true));
    }

    static PrintMapsSignal install() {
        return new PrintMapsSignal();
    }

    /** True once for each time SIGUSR1 arrived since the last call (signals that arrive together count once, as in bpftrace). */
    boolean take() {
        return pending.getAndSet(false);
    }

    @Override
    public void close() {
        Signal.handle(signal, previous);
    }
}
