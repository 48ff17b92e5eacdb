package io.boxscope.trace.chisel;

import io.boxscope.trace.filter.Value;
import io.boxscope.trace.output.EventView;

import java.util.List;
import java.util.function.Consumer;

/**
 * spectrogram and subsecoffset: sysdig 0.29's console heat maps, drawn byte for byte as its Lua draws them
 * ({@code /usr/share/sysdig/chisels/spectrogram.lua}, {@code subsecoffset.lua}, with {@code ansiterminal.lua}'s
 * escape sequences and {@code common.lua}'s {@code format_time_interval} and {@code parse_numeric_input}).
 *
 * <p><b>Refusals.</b> The argument (refresh time in milliseconds) is read first, as on_set_arg runs before on_init:
 * a word Lua's {@code tonumber} does not read prints "Input refresh_time must be a number." and stops with status 0
 * (os.exit). When standard output is not a terminal ({@code sysdig.is_tty()}: isatty(1)) on_init prints "This
 * chisel only works on ANSI terminals. Aborting." and fails.
 *
 * <p><b>The screen.</b> The width is the terminal's columns ({@code sysdig.get_terminal_info()}: TIOCGWINSZ on
 * standard output, -1 when that fails, which draws rows of no cells, as sysdig does). on_init hides the cursor
 * (subsecoffset also prints its one-line legend and an empty line). Every refresh period one row is drawn: the
 * cursor up one line ({@code ESC[1F}), {@code width} cells, each a 256-colour foreground and background
 * ({@code ESC[38;5;Nm ESC[48;5;Nm}) and a character, then {@code ESC[0m} and a newline, then a line of labels. At
 * the end spectrogram draws the last period's row; both then print {@code ESC[0m}, a newline and show the cursor.
 *
 * <p><b>Cells.</b> spectrogram counts exit events ({@code evt.dir=<}) by latency: the bucket of latency L ns is
 * {@code floor(min(log10 L, 11) * width / 11) + 1} (a latency of 0 is skipped), so a row spans 1 ns to 100 s, and
 * its labels are the powers of ten where the bucket's decade changes. subsecoffset counts enter events
 * ({@code evt.dir=>}) by where their time falls within the refresh period, {@code floor(((t * 1000 / refresh) % 1000)
 * / 1000 * width)}, labelled in ms every tenth of the width. A cell of n calls in the period is coloured from
 * {@code log10(n * periods per second + 1) / log10(1.6)} on the palette's 20 colours (greens to reds), its fraction
 * choosing a shade character; empty cells are black spaces. Two quirks of the Lua are kept, as they show on the
 * screen: subsecoffset's bucket 0 (the first column's calls) is never drawn, since rows draw buckets 1 to width, and
 * its empty cells set the background twice and leave the foreground of the cell before.
 *
 * <p><b>Time.</b> The period is the event clock's, not the wall clock's: {@code chisel.set_interval_ns} makes
 * sinsp_chisel::do_timeout (userspace/libsinsp/chisel.cpp) call on_interval when an event read, kept by the filter or
 * not, is in a later period (ts - ts % period) than the last; the first event only starts the clock, and a gap of
 * several periods draws one row. So {@code -r FILE} draws the file's periods however fast it is read; a live capture
 * also advances the clock when its ring is idle ({@link #idle}), where sysdig's filtered-out events would.
 *
 * <p>Every number goes through a Lua number (a double) in the Lua's order of operations, so the buckets are the
 * same; the one source of difference left is log10, libm's in LuaJIT and {@link Math#log10} here, which may differ
 * in the last bit: a bucket could change only for a latency or count within an ulp of a bucket's edge.
 */
final class HeatMap extends StreamChisel {
    /** Which of the two. */
    enum Kind {
        /** spectrogram.lua: latencies of exit events. */
        SPECTROGRAM,
        /** subsecoffset.lua: the offset of enter events within the period. */
        SUBSECOFFSET
    }

    /** The Lua's colpalette: 256-colour numbers from dark green to red. */
    private static final int[] PALETTE = {22, 28, 64, 34, 2, 76, 46, 118, 154, 191, 227, 226, 11, 220, 209, 208, 202, 197, 9, 1};
    /** The Lua's charpalette. */
    private static final String[] SHADES = {" ", "\u2591", "\u2592", "\u2591"};
    private static final String CSI = "\u001b[";
    private static final String RESET_SGR = CSI + "0m";
    private static final String HIDE_CURSOR = CSI + "?25l";
    private static final String SHOW_CURSOR = CSI + "?25h";
    private static final String LEGEND = "Tracing syscalls... red (hot) == high frequency <-> green == low frequency.\n";

    private final Kind kind;
    /** refresh_time: the period in ns, a Lua number. */
    private final double refresh;
    private final double perSecond;
    /** set_interval_ns's uint64_t; 0 when the period is under 1 ns or not positive (on_interval never runs). */
    private final long period;
    private final int width;
    /** subsecoffset's max_label_len. */
    private final int maxLabel;
    /** Calls per bucket, buckets 1 to width (the ones drawn); others are not kept. */
    private long[] counts;
    private boolean first = true;
    private long lastSample;
    private long lastIntervalTs;

    HeatMap(ChiselInfo info, Kind kind, List<String> args, ChiselContext context) {
        super(info, switch (kind) {
            case SPECTROGRAM -> "evt.dir=<";
            case SUBSECOFFSET -> "evt.dir=>";
        });
        this.kind = kind;
        double r = switch (kind) {
            case SPECTROGRAM -> 500000000;
            case SUBSECOFFSET -> 1000.0 * 1000 * 1000;
        };
        if (!args.isEmpty()) {
            Double v = MemcacheLog.luaNumber(args.get(0));
            if (v == null) {
                // common.lua parse_numeric_input: print, then os.exit()
                throw new ChiselInitException(info.name(), "Input refresh_time must be a number.", true);
            }
            r = switch (kind) {
                case SPECTROGRAM -> v * 1000000;
                case SUBSECOFFSET -> v * 1 * 1000 * 1000;
            };
        }
        if (!context.tty()) {
            throw new ChiselInitException(info.name(), "This chisel only works on ANSI terminals. Aborting.");
        }
        this.refresh = r;
        this.perSecond = 1000000000 / r;
        this.period = r >= 1 && r < 0x1p63 ? (long) r : 0;
        this.width = context.width();
        this.maxLabel = ("|" + Units.luaNumber(0.9 * r / 10000000) + "ms").length();
        this.counts = new long[Math.max(width, 0) + 1];
    }

    @Override
    public boolean draws() {
        return true;
    }

    /** on_init: the cursor hidden; subsecoffset's legend. */
    @Override
    public void start(Consumer<String> out) {
        out.accept(switch (kind) {
            case SPECTROGRAM -> HIDE_CURSOR;
            case SUBSECOFFSET -> HIDE_CURSOR + LEGEND + "\n";
        });
    }

    @Override
    public void seen(EventView e, Consumer<String> out) {
        clock(e.event().ts(), out);
    }

    @Override
    public void idle(long now, Consumer<String> out) {
        clock(now, out);
    }

    /** sinsp_chisel::do_timeout with a set_interval_ns period. */
    private void clock(long ts, Consumer<String> out) {
        if (first) {
            first = false;
            if (period != 0) {
                lastSample = ts - Long.remainderUnsigned(ts, period);
            }
            return;
        }
        if (period == 0) {
            return;
        }
        long sample = ts - Long.remainderUnsigned(ts, period);
        if (sample != lastSample) {
            if (lastIntervalTs != 0 && ts == lastIntervalTs) {
                return;
            }
            out.accept(row());
            lastSample = sample;
            lastIntervalTs = ts;
        }
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        double bucket = switch (kind) {
            case SPECTROGRAM -> {
                long latency = e.value(LATENCY) instanceof Value.Num n ? n.value() : 0;
                if (latency == 0) {
                    yield 0;
                }
                double l = Math.log10((double) latency);
                if (l > 11) {
                    l = 11;
                }
                yield Math.floor(l * width / 11) + 1;
            }
            case SUBSECOFFSET -> {
                double a = (double) e.event().ts() * 1000 / refresh; // evt.rawtime as a Lua number
                double column = Math.floor(luaMod(a, 1000) / 1000 * width);
                if (Double.isNaN(column)) {
                    // refresh_time 0 or nan: the Lua indexes its frequencies table with NaN and fails
                    throw new ChiselRuntimeException(info().name(), "table index is NaN (a refresh_time of "
                            + Units.luaNumber(refresh / 1000000) + " ms gives no column: give a positive number of"
                            + " milliseconds)");
                }
                yield column;
            }
        };
        if (bucket >= 1 && bucket <= width) {
            counts[(int) bucket]++;
        }
    }

    /** on_capture_end: spectrogram's last row, then the colours reset and the cursor shown. */
    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        String last;
        try {
            last = switch (kind) {
                case SPECTROGRAM -> row();
                case SUBSECOFFSET -> "";
            };
        } catch (NoColour e) {
            // the Lua's on_capture_end stopped at the cell; sysdig drops a capture end's error and exits 0
            out.accept(e.drawn);
            return;
        }
        out.accept(last + RESET_SGR + "\n" + SHOW_CURSOR);
    }

    /** on_interval: one row of cells and its labels; the counts start over. */
    private String row() {
        StringBuilder b = new StringBuilder(width * 20 + 200);
        b.append(CSI).append("1F");
        for (int x = 1; x <= width; x++) {
            long n = counts[x];
            if (n == 0) {
                switch (kind) {
                    case SPECTROGRAM -> b.append(CSI).append("38;5;0m").append(CSI).append("48;5;0m");
                    case SUBSECOFFSET -> b.append(CSI).append("48;5;0m").append(CSI).append("48;5;0m");
                }
                b.append(' ');
            } else {
                cell(b, n);
            }
        }
        b.append(RESET_SGR).append('\n');
        switch (kind) {
            case SPECTROGRAM -> latencyLabels(b);
            case SUBSECOFFSET -> offsetLabels(b);
        }
        b.append('\n');
        counts = new long[counts.length];
        return b.toString();
    }

    /** mkcol: the cell's colours and shade for n calls in the period. */
    private void cell(StringBuilder b, long n) {
        double col = Math.log10(n * perSecond + 1) / Math.log10(1.6);
        if (Double.isNaN(col)) {
            // a refresh time of nan: mkcol's palette lookup gives nil and terminal.setfgcol fails on it
            throw new NoColour(b.toString());
        }
        if (col < 1) {
            col = 1;
        } else if (col > PALETTE.length) {
            col = PALETTE.length;
        }
        double low = Math.floor(col);
        double high = Math.ceil(col);
        double delta = col - low;
        String shade = SHADES[(int) Math.floor(1 + delta * SHADES.length) - 1];
        // above 75 % the Lua draws a 25 % shade with the colours swapped, as a 75 % filled block
        int fg = PALETTE[(int) (delta > .75 ? high : low) - 1];
        int bg = PALETTE[(int) (delta > .75 ? low : high) - 1];
        b.append(CSI).append("38;5;").append(fg).append('m').append(CSI).append("48;5;").append(bg).append('m').append(shade);
    }

    /** spectrogram: "|" and the power of ten (format_time_interval) where floor(x * 11 / width) changes. */
    private void latencyLabels(StringBuilder b) {
        int x = 0;
        while (x < width) {
            double cur = Math.floor(x * 11.0 / width);
            double prev = Math.floor((x - 1) * 11.0 / width);
            if (cur != prev) {
                String t = "|" + Units.time((long) Math.pow(10, cur));
                b.append(t);
                x += t.length();
            } else {
                b.append(' ');
                x++;
            }
        }
    }

    /** subsecoffset: "|" and the offset in ms every tenth of the width, while the widest label still fits. */
    private void offsetLabels(StringBuilder b) {
        int x = 0;
        while (x < width) {
            double cur = Math.floor(x * 10.0 / width);
            double prev = Math.floor((x - 1) * 10.0 / width);
            if (cur != prev && x <= width - maxLabel) {
                String t = "|" + Units.luaNumber(Math.floor(10.0 * x / width) * refresh / 10000000) + "ms";
                b.append(t);
                x += t.length();
            } else {
                b.append(' ');
                x++;
            }
        }
    }

    /**
     * mkcol found no colour for a cell (the Lua raises an error there): what the row had written before it, which is
     * all sysdig shows of the row.
     */
    private static final class NoColour extends RuntimeException {
        final String drawn;

        NoColour(String drawn) {
            super(null, null, false, false);
            this.drawn = drawn;
        }
    }

    /** Lua's % on numbers (luaconf.h luai_nummod, LuaJIT's vm_mod): a - floor(a / b) * b. */
    private static double luaMod(double a, double b) {
        return a - Math.floor(a / b) * b;
    }
}
