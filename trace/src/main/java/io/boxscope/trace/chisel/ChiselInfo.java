package io.boxscope.trace.chisel;

import java.util.List;

/**
 * What {@code -cl} and {@code -i} show of a chisel.
 *
 * @param name        as given to {@code -c}
 * @param category    sysdig's category for the chisel of the same name (Performance, I/O, Net, Errors, ...)
 * @param summary     one line (Boxscope's words)
 * @param description the longer text {@code -i} shows
 * @param args        the arguments {@code -c NAME ARGS} takes, in order
 */
public record ChiselInfo(String name, String category, String summary, String description, List<Arg> args) {
    public ChiselInfo {
        args = List.copyOf(args);
    }

    /**
     * One argument.
     *
     * @param optional whether it may be left out (sysdig's {@code optional = true})
     */
    public record Arg(String name, String type, String description, boolean optional) {}

    /** How many arguments are required. */
    public int required() {
        return (int) args.stream().filter(a -> !a.optional()).count();
    }
}
