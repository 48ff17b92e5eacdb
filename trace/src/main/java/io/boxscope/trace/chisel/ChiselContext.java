package io.boxscope.trace.chisel;

import io.boxscope.trace.scap.BufferFormat;

import java.nio.file.Path;

/**
 * What sysdig gives every chisel besides its arguments, from the command line and the place it runs: the
 * container columns ({@code -pc}, {@code sysdig.is_print_container_data}), how buffers print ({@code -A},
 * {@code -x}, {@code -X}: libsinsp renders {@code evt.arg.data} in the inspector's buffer format, so a
 * chisel that prints that field prints hex under {@code -x}), whether the capture is live
 * ({@code sysdig.is_live}), whether standard output is a terminal ({@code sysdig.is_tty}) and the directory
 * relative file names are made in (udp_extract's {@code ./udp_dump_files}).
 *
 * @param container -pc
 * @param buffers   -A, -x, -X, or the default dots
 * @param live      a live capture, not {@code -r FILE}
 * @param tty       standard output is a terminal
 * @param workDir   where a chisel's relative paths are (the command's working directory)
 * @param filter    the user's filter text ({@code sysdig.get_filter}), empty when there is none
 * @param source    the file read ({@code sysdig.get_evtsource_name}), or null on a live capture
 * @param width     the terminal's columns ({@code sysdig.get_terminal_info().width}: TIOCGWINSZ on standard output),
 *                  -1 when standard output has no window size (not a terminal), as sysdig then says
 * @param height    the terminal's rows ({@code .height}), -1 likewise
 */
public record ChiselContext(boolean container, BufferFormat buffers, boolean live, boolean tty, Path workDir,
                            String filter, Path source, int width, int height) {
    /** No filter and no file named: what the chisels that do not ask for them are given. */
    public ChiselContext(boolean container, BufferFormat buffers, boolean live, boolean tty, Path workDir) {
        this(container, buffers, live, tty, workDir, "", null, -1, -1);
    }

    /** A file read with the default display, output not a terminal, relative paths in the working directory. */
    public static ChiselContext of(boolean container) {
        return new ChiselContext(container, BufferFormat.DOTS, false, false, Path.of(""));
    }
}
