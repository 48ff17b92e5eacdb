package io.boxscope.trace.chisel;

/**
 * A chisel refused to start, as a sysdig chisel whose {@code on_init} or {@code on_capture_start} returns
 * false: the Lua prints its reason with {@code print} (to standard output, e.g. spectrogram's "This chisel
 * only works on ANSI terminals. Aborting."), then sysdig writes {@code init() for chisel NAME failed.} to
 * standard error and exits 1 (sinsp_chisel::on_init, chisel.cpp; sysdig.cpp). The front end prints
 * {@link #printed()} to standard output and the failure to standard error.
 */
public final class ChiselInitException extends RuntimeException {
    private final String chisel;
    private final String printed;
    private final boolean exited;

    /** {@code printed}: what the Lua printed before its on_init returned false (one line, no newline). */
    public ChiselInitException(String chisel, String printed) {
        this(chisel, printed, false);
    }

    /**
     * @param exited the Lua called {@code os.exit()} after printing (common.lua's parse_numeric_input): sysdig
     *               ends at once with status 0 and writes no failure line
     */
    public ChiselInitException(String chisel, String printed, boolean exited) {
        super("init() for chisel " + chisel + " failed.");
        this.chisel = chisel;
        this.printed = printed;
        this.exited = exited;
    }

    /** Whether the Lua ended sysdig itself ({@code os.exit()}): status 0, no failure line. */
    public boolean exited() {
        return exited;
    }

    /** The chisel's name. */
    public String chisel() {
        return chisel;
    }

    /** The line the chisel printed to standard output. */
    public String printed() {
        return printed;
    }
}
