package io.boxscope.cli.bench;

import java.io.PrintWriter;
import java.util.Locale;
import io.boxscope.bench.engine.Engine;
import io.boxscope.bench.engine.RunOptions;

/**
 * A one-line progress display on the terminal (standard error) for runs longer than two seconds,
 * redrawn in place; nothing when output is piped, with --json, or when interval reports already
 * show progress.
 */
class Progress {
    private final Thread thread;

    private Progress(Thread thread) {
        this.thread = thread;
    }

    static Progress startIfUseful(Engine engine, RunOptions o, boolean json, PrintWriter err) {
        boolean terminal = io.boxscope.cli.CliCommand.isTty(2); // the line is drawn on standard error
        double expected = o.timeSeconds() + o.warmupSeconds();
        if (!terminal || json || o.reportInterval() > 0 || (expected > 0 && expected <= 2)) {
            return new Progress(null);
        }
        Thread t = Thread.ofPlatform().daemon().name("bench-progress").start(() -> {
            try {
                Thread.sleep(2000);
                while (!Thread.currentThread().isInterrupted()) {
                    double el = engine.elapsedSeconds();
                    long ev = engine.eventsSoFar();
                    String total = o.timeSeconds() > 0 ? String.format(Locale.ROOT, "/%.0fs", o.timeSeconds()) : "";
                    err.print(String.format(Locale.ROOT, "\r[ %.0fs%s ] %d events (%.2f per second)\u001b[K", el, total, ev,
                            el > 0 ? ev / el : 0));
                    err.flush();
                    Thread.sleep(500);
                }
            } catch (InterruptedException e) {
                // stopped
            }
        });
        return new Progress(t) {
            @Override
            void stop() {
                t.interrupt();
                try {
                    t.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                err.print("\r\u001b[K");
                err.flush();
            }
        };
    }

    void stop() {
        // nothing was shown
    }
}
