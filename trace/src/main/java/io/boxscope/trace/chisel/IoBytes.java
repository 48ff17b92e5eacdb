package io.boxscope.trace.chisel;

import io.boxscope.trace.filter.Value;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;

import java.util.function.Consumer;

/**
 * iobytes, iobytes_file and iobytes_net: the bytes read and written by successful I/O calls, summed per
 * second of event time and printed as {@code HH:MM:SS in:N out:N tot:N} (sysdig 0.29's chisels of those
 * names, which set a one-second interval). sysdig's interval clock (chisel.cpp, do_timeout) runs on every
 * event read: the first sets the start of its second; the first event more than a second after that start
 * prints the sums, with that event's time, before the event itself counts, and the clock restarts at the
 * start of that event's second. The sums of the last, unfinished second are never printed.
 */
final class IoBytes extends StreamChisel {
    private static final long SECOND = 1_000_000_000L;

    private long in;
    private long out;
    private long lastSample;

    /** {@code filter}: which I/O counts (every fd, files, or IPv4 and IPv6 sockets). */
    IoBytes(ChiselInfo info, String filter) {
        super(info, filter);
    }

    @Override
    public void seen(EventView e, Consumer<String> sink) {
        long ts = e.event().ts();
        if (lastSample != 0 && ts - lastSample > SECOND) {
            sink.accept(e.text(TIME_S) + " in:" + in + " out:" + out + " tot:" + (in + out));
            in = 0;
            out = 0;
        } else if (lastSample != 0) {
            return;
        }
        lastSample = ts - ts % SECOND;
    }

    @Override
    public void event(EventView e, Consumer<String> sink) {
        if (e.value(RES) instanceof Value.Num n && n.value() > 0) {
            if (e.value(READ) instanceof Value.Bool r && r.value()) {
                in += n.value();
            } else {
                out += n.value();
            }
        }
    }
}
