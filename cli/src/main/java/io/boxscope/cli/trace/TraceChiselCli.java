package io.boxscope.cli.trace;

import io.boxscope.cli.ExitCode;
import io.boxscope.cli.NotFoundException;
import io.boxscope.trace.chisel.ChiselInfo;
import io.boxscope.trace.chisel.ChiselListing;
import io.boxscope.trace.chisel.Chisels;

import java.io.PrintWriter;

/** {@code trace -cl} and {@code trace -i CHISEL}: the chisel list and one chisel's description, in sysdig's layout. */
final class TraceChiselCli {
    private TraceChiselCli() {}

    static int list(PrintWriter out) {
        ChiselListing.list(Chisels.all()).forEach(out::println);
        out.flush();
        return ExitCode.OK;
    }

    static int describe(PrintWriter out, String name) {
        ChiselInfo info = Chisels.info(name).orElseThrow(() -> new NotFoundException(
                "chisel " + name + " not found - use -cl to list them."));
        ChiselListing.describe(info).forEach(out::println);
        out.flush();
        return ExitCode.OK;
    }
}
