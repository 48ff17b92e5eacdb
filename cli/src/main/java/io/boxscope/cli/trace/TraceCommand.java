package io.boxscope.cli.trace;

import java.io.IOException;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.Opt;
import io.boxscope.cli.UsageException;

/**
 * {@code boxscope trace}: the sysdig-class front end. Today: the filter language's field list
 * ({@code -l}, {@code -lv}, like {@code sysdig -l}) and {@code --check-filter}. Capturing (live,
 * {@code -r}, {@code -w}) is the capture side's and not here yet.
 */
public final class TraceCommand extends CliCommand {
    final Opt<Boolean> list = flag("-l", "--list")
            .help("List the fields filters can use, with a description (sysdig -l's layout).");

    final Opt<Boolean> verbose = flag("-v", "--verbose")
            .help("With -l: each field's type too (sysdig -lv).");

    final Opt<String> checkFilter = option(String.class, null, "--check-filter").label("FILTER").hidden()
            .help("Compile FILTER and print which part the kernel decides and which part user space does; "
                    + "a bad filter exits 2 with a caret under the problem.");

    public TraceCommand() {
        super("trace", "sysdig-style system call tracing. -l lists the fields of sysdig's filter language",
                "(sysdig 0.29's grammar and semantics). Capturing is not implemented yet.");
        examples("  boxscope trace -l                     fields filters can use",
                "  boxscope trace -lv                    with their types",
                "  boxscope trace --check-filter 'proc.name=nginx and evt.type=connect'",
                "                                        what the kernel decides, what Java does",
                "  boxscope --json trace -l | jq -r '.classes[].fields[].name'");
    }

    @Override
    public Integer call() throws IOException {
        GlobalOptions g = global();
        if (list.value()) {
            if (checkFilter.value() != null) {
                throw new UsageException("-l lists fields and --check-filter checks a filter: give one of them");
            }
            return TraceFilterCli.listFields(out(), verbose.value(), g.json());
        }
        if (checkFilter.value() != null) {
            return TraceFilterCli.checkFilter(out(), err(), checkFilter.value(), g.paths(), g.json());
        }
        err().println("boxscope: not implemented yet: capturing (boxscope trace [FILTER], -r FILE, -w FILE) is planned; "
                + "today: boxscope trace -l (fields) and --check-filter FILTER");
        err().flush();
        return ExitCode.FAILURE;
    }
}
