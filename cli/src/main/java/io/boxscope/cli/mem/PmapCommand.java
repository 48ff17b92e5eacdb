package io.boxscope.cli.mem;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import io.boxscope.cli.BoxscopeCommand;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.Text;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.UsageException;
import io.boxscope.mem.pmap.Pmap;
import io.boxscope.mem.pmap.PmapOptions;
import io.boxscope.mem.pmap.PmapProcess;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.proc.NoSuchProcessException;
import io.boxscope.proc.ProcParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** procps pmap(1), byte for byte. */
@Command(name = "pmap", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"A process's memory map, byte for byte as procps-ng pmap 4.0.2 prints it.",
                "Same columns, widths, labels and totals; read from /proc/PID/maps or smaps."},
        footerHeading = "%nEXAMPLES%n",
        footer = {"  boxscope mem pmap 4242                  like 'pmap 4242'",
                "  boxscope mem pmap -x 4242               Kbytes, RSS and Dirty per mapping",
                "  boxscope mem pmap -XX -p 4242           all smaps fields, VmFlags, full paths",
                "  boxscope mem pmap -x -A 7f0000000000, 4242   mappings from that address up"})
final class PmapCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "PID", description = "The processes (a thread id means its process); or --pid.")
    List<Integer> pids = new ArrayList<>();

    @Option(names = {"-x", "--extended"}, description = "Show Kbytes, RSS and Dirty (reads smaps).")
    boolean extended;

    @Option(names = "-X", description = "Show the kernel's smaps fields (-XX: all of them, with VmFlags).")
    boolean[] more = new boolean[0];

    @Option(names = {"-d", "--device"}, description = "Show offset and device, and a mapped/writeable/shared summary.")
    boolean device;

    @Option(names = {"-q", "--quiet"}, description = "No header and footer lines.")
    boolean quiet;

    @Option(names = {"-p", "--show-path"}, description = "Show the whole path in the mapping column.")
    boolean showPath;

    @Option(names = {"-A", "--range"}, paramLabel = "LOW[,HIGH]",
            description = "Only mappings overlapping [LOW, HIGH] (hex); one value means LOW=HIGH.")
    String range;

    @Override
    public Integer call() throws IOException {
        GlobalOptions g = BoxscopeCommand.global(spec);
        if ((extended ? 1 : 0) + (more.length > 0 ? 1 : 0) + (device ? 1 : 0) > 1) {
            throw new UsageException("options -d, -x, -X are mutually exclusive");
        }
        PmapOptions.Mode mode = more.length >= 2 ? PmapOptions.Mode.ALL : more.length == 1 ? PmapOptions.Mode.MORE
                : extended ? PmapOptions.Mode.EXTENDED : device ? PmapOptions.Mode.DEVICE : PmapOptions.Mode.MAPS;
        long low = 0;
        long high = PmapOptions.NO_HIGH;
        if (range != null) {
            try {
                long[] r = PmapOptions.parseRange(range);
                low = r[0];
                high = r[1];
            } catch (IllegalArgumentException e) {
                throw new UsageException("-A: " + e.getMessage());
            }
        }
        PmapOptions o = new PmapOptions(mode, quiet, showPath, low, high);
        ProcMemReader reader = new ProcMemReader(g.paths());
        PrintWriter out = spec.commandLine().getOut();
        if (pids.size() <= 1) {
            PmapProcess p = PmapProcess.read(reader, MemCommand.pid(pids.isEmpty() ? null : pids.getFirst(), g), mode);
            out.print(g.json() ? MemJson.pmap(p) + "\n" : Pmap.render(p, o));
            out.flush();
            return ExitCode.OK;
        }
        // Several PIDs, as pmap takes them: the ones that cannot be read are reported, the others printed.
        Pmap.Session session = new Pmap.Session(o);
        List<String> failures = new ArrayList<>();
        int code = ExitCode.OK;
        for (int pid : pids) {
            try {
                PmapProcess p = PmapProcess.read(reader, pid, mode);
                out.print(g.json() ? MemJson.pmap(p) + "\n" : session.render(p));
            } catch (NoSuchProcessException e) {
                failures.add(e.getMessage());
                code = Math.max(code, ExitCode.FAILURE);
            } catch (AccessDeniedException e) {
                failures.add("permission denied reading " + e.getFile() + ": run as root");
                code = ExitCode.PRIVILEGE;
            } catch (IOException | ProcParseException e) {
                failures.add("PID " + pid + ": " + e.getMessage());
                code = code == ExitCode.PRIVILEGE ? code : ExitCode.FAILURE;
            }
        }
        out.flush();
        for (String f : failures) {
            spec.commandLine().getErr().println("boxscope: " + Text.safe(f));
        }
        return code;
    }
}
