package io.boxscope.trace.chisel;

/**
 * A chisel failed while it ran, as a sysdig chisel whose Lua raises an error in {@code on_event}: sysdig stops
 * reading, writes {@code NAME chisel error: MESSAGE} to standard error, still runs the chisels' capture end (a
 * drawing chisel resets the colours and shows the cursor) and exits 1 (sinsp_chisel::on_event throws a
 * sinsp_exception; sysdig.cpp's capture loop ends on it). Example: {@code subsecoffset 0}, whose column is
 * {@code math.floor(... % 1000 ...)} of an infinite number, a NaN the Lua then uses as a table index.
 */
public final class ChiselRuntimeException extends RuntimeException {
    /** @param message what the chisel's Lua would have raised, with why and what to give instead */
    public ChiselRuntimeException(String chisel, String message) {
        super(chisel + " chisel error: " + message);
    }
}
