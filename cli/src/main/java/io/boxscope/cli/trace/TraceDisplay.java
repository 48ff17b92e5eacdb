package io.boxscope.cli.trace;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.proc.json.Json;
import io.boxscope.trace.chisel.Chisel;
import io.boxscope.trace.chisel.ChiselRuntimeException;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.scap.ScapEvent;

/**
 * How the events of {@code trace} are shown, the same for {@code -r FILE} and a live capture: to the
 * chisel ({@code -c}), in a {@code -p} format or sysdig's JSON ({@code -j}), or as sysdig's line (or
 * Boxscope's {@code --json} object). On a live capture a chisel with an interval (sysdig's
 * {@code chisel.set_interval_s}: the table chisels print every second) prints its result each time an
 * event crosses into the next interval, as sinsp_chisel::do_timeout does, and when the ring stays
 * empty across an interval's end ({@link #tick}).
 *
 * <p>One deviation from sysdig, on purpose: at the end of a live capture sysdig's table chisels clear
 * the screen and print nothing (the last, partial interval is lost); Boxscope prints that last table, so
 * no counted event goes unshown. sysdig's screen control (clear, cursor home, hide and show the cursor)
 * is written only when standard output is a terminal.
 *
 * <p>Event lines (not a chisel's) are encoded to UTF-8 into a reusable byte buffer and written to the byte
 * stream under standard output ({@link Terminal#bytes(byte[], int, int)}), not through the {@link PrintWriter}:
 * its char-to-byte encoder was ~9 % of {@code trace -r FILE evt.type=openat}'s CPU (docs/benchmarks.md,
 * "trace -r: lines written as bytes"). The bytes are the encoder's: UTF-8, an unpaired surrogate as {@code ?}.
 */
final class TraceDisplay {
    private static final String CLEAR = "\u001b[2J";
    private static final String HOME = "\u001b[0;0H";
    private static final String HIDE_CURSOR = "\u001b[?25l";
    private static final String SHOW_CURSOR = "\u001b[?25h";
    private static final String RESET_COLOURS = "\u001b[00m";

    /** Bytes of event lines held before a write(2): the size of stdio's and the writer's buffers, twice. */
    private static final int BUFFER = 16384;

    private final Terminal term;
    private final PrintWriter out;
    private final byte[] buf = new byte[BUFFER];
    private int len;
    private final TraceReadCli.Display show;
    private final boolean boxscopeJson;
    private final boolean screen;
    private final boolean terminal;
    private final Consumer<String> sink;
    private final long interval;
    private long lastSample = -1;
    private ChiselRuntimeException failure;

    /**
     * @param term     standard output: its writer (chisels, screen control) and the bytes under it (event lines)
     * @param live     a live capture: chisels print every interval
     * @param terminal standard output is a terminal (sysdig's screen control codes are written)
     */
    TraceDisplay(Terminal term, TraceReadCli.Display show, boolean boxscopeJson, boolean live, boolean terminal) {
        this.term = term;
        this.out = term.out();
        this.show = show;
        this.boxscopeJson = boxscopeJson;
        this.terminal = terminal;
        // chisel lines: each field escaped, the tabs between them kept (fdcount_by separates with a tab); a chisel
        // that draws (spectrogram) writes its own control sequences and newlines, of numbers only: as they are,
        // each row at once, as sysdig's line-buffered standard output shows it on a terminal
        this.sink = show.chisel() != null && show.chisel().draws() ? s -> {
            out.print(s);
            out.flush();
        } : s -> out.println(TraceReadCli.safeChiselLine(s));
        this.interval = live && show.chisel() != null ? show.chisel().liveIntervalNs() : 0;
        this.screen = interval > 0 && terminal && !show.sysdigJson();
        if (screen) {
            out.print(CLEAR + HIDE_CURSOR);
        }
        if (show.chisel() != null) {
            show.chisel().start(sink); // sysdig's on_init: headers
        }
    }

    /**
     * Every event read, before any filter: the chisel's own clock (sysdig's do_timeout for chisels that set
     * an interval whether live or not, such as iobytes, and the first time stamp topprocs_cpu divides by).
     */
    void seen(EventView view) {
        if (show.chisel() != null && view != null) {
            show.chisel().seen(view, sink);
        }
    }

    /** A live capture's ring was empty up to {@code now}: the chisel's own clock moves on ({@link Chisel#idle}). */
    void idle(long now) {
        if (show.chisel() != null) {
            show.chisel().idle(now, sink);
        }
    }

    /** Whether the chisel ended the capture (netstat, lsof, ps: the tables at the first event kept). */
    boolean done() {
        return failure != null || show.chisel() != null && show.chisel().done();
    }

    /** The chisel's run-time error that ended the reading (its capture end still runs), or null. */
    ChiselRuntimeException failure() {
        return failure;
    }

    /** Whether this display needs each event's {@link EventView}. */
    boolean views() {
        return show.chisel() != null || show.format() != null;
    }

    /**
     * An event read (kept by the filter or not) at {@code ts}: on a live capture, the chisel's interval
     * ends when {@code ts} is in a later interval than the previous event's.
     */
    void tick(long ts) {
        if (interval <= 0) {
            return;
        }
        long sample = ts - Math.floorMod(ts, interval);
        if (lastSample < 0) {
            lastSample = sample;
        } else if (sample > lastSample) {
            drain();
            if (screen) {
                out.print(CLEAR + HOME);
            }
            show.chisel().interval(sink, show.sysdigJson(), ts);
            lastSample = sample;
            out.flush();
        }
    }

    /** One event the filter kept, with its line (null for events sysdig does not print) and number. */
    void event(ScapEvent e, EventView view, String line, long num) {
        Chisel chisel = show.chisel();
        if (chisel != null) {
            if (failure == null && chiselSees(e) && chisel.filter().matches(view.fields())) {
                try {
                    chisel.event(view, sink);
                } catch (ChiselRuntimeException x) {
                    failure = x; // sysdig: the reading stops, the capture end runs, then the error and status 1
                }
            }
        } else if (line != null && show.format() != null) {
            if (show.sysdigJson()) {
                Map<String, Object> o = show.format().json(view);
                if (o != null) {
                    print(Json.write(o));
                }
            } else {
                if (show.format().colours()) {
                    // the format's colour codes as they are, what the event brings (names, paths) escaped
                    String s = show.format().line(view, show.keepLayout() ? TraceReadCli::safeKeepingLayout
                            : Text::safeVerbatimWhenPlain);
                    if (s != null) {
                        print(s);
                    }
                } else {
                    String s = show.format().line(view);
                    if (s != null) {
                        print(show.keepLayout() ? TraceReadCli.safeKeepingLayout(s) : Text.safeVerbatimWhenPlain(s));
                    }
                }
            }
        } else if (line != null) {
            print(boxscopeJson ? Json.write(TraceReadCli.jsonOf(num, e, line))
                    : show.keepLayout() ? TraceReadCli.safeKeepingLayout(line) : Text.safeVerbatimWhenPlain(line));
        }
    }

    /**
     * One event's line: flushed at once on a terminal, else left in the buffer until it is full or the caller
     * flushes ({@link #checkError}, {@link #end}), as stdio buffers a file or a pipe: a write(2) per line was a
     * third of {@code trace -r}'s CPU time (docs/benchmarks.md). A line of ASCII (nearly all) is copied char by
     * char; any other goes through {@link String#getBytes}, whose UTF-8 is the writer's encoder's, byte for byte.
     */
    private void print(String line) {
        int n = line.length();
        if (n < BUFFER && len + n + 1 > BUFFER) {
            drain();
        }
        int start = len;
        boolean ascii = n < BUFFER;
        for (int i = 0; ascii && i < n; i++) {
            char c = line.charAt(i);
            if (c < 0x80) {
                buf[len++] = (byte) c;
            } else {
                ascii = false;
            }
        }
        if (!ascii) {
            len = start;
            put(line.getBytes(StandardCharsets.UTF_8));
        }
        if (len == BUFFER) {
            drain();
        }
        buf[len++] = '\n';
        if (terminal) {
            drain();
        }
    }

    private void put(byte[] b) {
        if (len + b.length > BUFFER) {
            drain();
        }
        if (b.length > BUFFER) {
            term.bytes(b, 0, b.length); // a line longer than the buffer: written as it is
        } else {
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }
    }

    /** Writes the lines held, after whatever the writer holds. */
    private void drain() {
        if (len > 0) {
            term.bytes(buf, 0, len);
            len = 0;
        }
    }

    /**
     * Writes what is held and says whether standard output failed (a closed pipe, a full disk), as
     * {@link PrintWriter#checkError} does for the writer: the caller stops reading events then.
     */
    boolean checkError() {
        drain();
        return out.checkError();
    }

    /**
     * Whether sysdig's chisels get {@code e}: not state-only events, which sysdig applies without showing (nor the
     * container descriptions of a file's initial state, which the reader does not pass here); but a later container
     * description is returned by sinsp::next like any event, and internal events it does not print, such as the
     * infrastructure event Boxscope writes its drop counts in, are counted (sysdig 0.29's topscalls shows a row
     * "infra" for it).
     */
    static boolean chiselSees(ScapEvent e) {
        return e.info().isPresent() && !e.stateOnly();
    }

    /**
     * The end of the events: the chisel's result ({@code lastTs}: the last event read, 0 for none). sysdig 0.29
     * resets the colours ({@code ESC[00m}, no newline) at the end of the capture (end of file, -n reached, stopped,
     * nothing matched), before the chisels' on_capture_end (sysdig.cpp handle_end_of_file; seen under a pty: after the
     * last line, before topscalls' table, spectrogram's last row; with -j, -pc and -pk too), when its formats hold an
     * escape ({@link TraceReadCli.Display#resetColours}); Boxscope writes it likewise.
     */
    void end(long lastTs) {
        drain();
        if (show.resetColours()) {
            out.print(RESET_COLOURS);
        }
        if (show.chisel() != null) {
            if (screen) {
                out.print(CLEAR + HOME);
            }
            show.chisel().end(sink, show.sysdigJson(), lastTs);
            if (screen) {
                out.print(SHOW_CURSOR);
            }
        }
        out.flush();
    }
}
