package io.boxscope.trace.chisel;

import io.boxscope.trace.output.EventView;

import java.util.List;
import java.util.function.Consumer;

/**
 * spectrogram and subsecoffset: sysdig 0.29's console heat maps ({@code spectrogram.lua}: how many system
 * calls returned after each latency, on a log scale; {@code subsecoffset.lua}: at which offset within each
 * refresh period calls started). Both draw with 256-colour ANSI codes on a terminal as wide as the screen
 * and refuse anything else: their {@code on_init} prints "This chisel only works on ANSI terminals.
 * Aborting." and returns false when standard output is not a terminal, so {@code sysdig -r F -c spectrogram
 * > out} writes that line and exits 1. Boxscope does the same when standard output is not a terminal.
 *
 * <p>The argument (refresh time in milliseconds) is read first, as the Lua's on_set_arg does before on_init:
 * a word that is not a number prints "Input refresh_time must be a number." and stops.
 *
 * <p>Not done: the drawing itself on a terminal; there the chisel says so and stops (see docs/trace.md).
 */
final class TerminalOnly extends StreamChisel {

    TerminalOnly(ChiselInfo info, List<String> args, ChiselContext context) {
        super(info, "");
        if (!args.isEmpty() && MemcacheLog.luaNumber(args.get(0)) == null) {
            // common.lua parse_numeric_input: print, then os.exit()
            throw new ChiselInitException(info.name(), "Input refresh_time must be a number.", true);
        }
        if (!context.tty()) {
            throw new ChiselInitException(info.name(), "This chisel only works on ANSI terminals. Aborting.");
        }
        throw new ChiselInitException(info.name(), "boxscope: chisel " + info.name()
                + " does not draw on terminals yet (docs/trace.md)");
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        // never constructed
    }
}
