package io.boxscope.cli.mem;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.cli.CliCommand;
import io.boxscope.cli.Opt;
import io.boxscope.cli.ExitCode;
import io.boxscope.cli.PrivilegeException;
import io.boxscope.cli.Terminal;
import io.boxscope.cli.Text;
import io.boxscope.cli.GlobalOptions;
import io.boxscope.cli.UsageException;
import io.boxscope.mem.pmap.Pmap;
import io.boxscope.mem.pmap.PmapOptions;
import io.boxscope.mem.pmap.PmapProcess;
import io.boxscope.mem.smaps.ProcMemReader;
import io.boxscope.proc.NoSuchProcessException;
import io.boxscope.proc.ProcParseException;
import io.boxscope.proc.json.Json;

/** procps pmap(1), byte for byte. */
final class PmapCommand extends CliCommand {
    // Read as text: picocli reports a list element it cannot convert as "Unmatched argument".
    final Opt<List<String>> pidArgs = positionals(String.class).arity("0..*").label("PID")
            .help("The processes (a thread id means its process); or one with --pid, not both.");

    final Opt<Boolean> extended = flag("-x", "--extended")
            .help("Show Kbytes, RSS and Dirty (reads smaps).");

    final Opt<boolean[]> more = option(boolean[].class, new boolean[0], "-X").arity("0")
            .help("Show the kernel's smaps fields (-XX: all of them, with VmFlags).");

    final Opt<Boolean> device = flag("-d", "--device")
            .help("Show offset and device, and a mapped/writeable/shared summary.");

    final Opt<Boolean> quiet = flag("-q", "--quiet")
            .help("No header and footer lines.");

    final Opt<Boolean> showPath = flag("-p", "--show-path")
            .help("Show the whole path in the mapping column.");

    final Opt<String> range = option(String.class, null, "-A", "--range").label("LOW[,HIGH]")
            .help("Only mappings overlapping [LOW, HIGH] (hex); one value means LOW=HIGH.");

    PmapCommand() {
        super("pmap", "A process's memory map, byte for byte as procps-ng pmap 4.0.2 prints it.",
                "Same columns, widths, labels and totals; read from /proc/PID/maps or smaps.");
        globals("--json", "--proc-root", "--sys-root", "--pid");
        examples("  boxscope mem pmap 4242                  like 'pmap 4242'",
                "  boxscope mem pmap -x 4242               Kbytes, RSS and Dirty per mapping",
                "  boxscope mem pmap -XX -p 4242           all smaps fields, VmFlags, full paths",
                "  boxscope mem pmap -x -A 7f0000000000, 4242   mappings from that address up");
    }

    @Override
    public Integer call() throws IOException {
        GlobalOptions g = global();
        if ((extended.value() ? 1 : 0) + (more.value().length > 0 ? 1 : 0) + (device.value() ? 1 : 0) > 1) {
            throw new UsageException("options -d, -x, -X are mutually exclusive");
        }
        PmapOptions.Mode mode = more.value().length >= 2 ? PmapOptions.Mode.ALL : more.value().length == 1 ? PmapOptions.Mode.MORE
                : extended.value() ? PmapOptions.Mode.EXTENDED : device.value() ? PmapOptions.Mode.DEVICE : PmapOptions.Mode.MAPS;
        long low = 0;
        long high = PmapOptions.NO_HIGH;
        if (range.value() != null) {
            try {
                long[] r = PmapOptions.parseRange(range.value());
                low = r[0];
                high = r[1];
            } catch (IllegalArgumentException e) {
                throw new UsageException("-A: " + e.getMessage());
            }
        }
        PmapOptions o = new PmapOptions(mode, quiet.value(), showPath.value(), low, high);
        ProcMemReader reader = new ProcMemReader(g.paths());
        PrintWriter out = out();
        List<Integer> pids = new ArrayList<>();
        for (String a : pidArgs.value()) {
            pids.add(io.boxscope.cli.PidConverter.parse(a));
        }
        if (g.pid() != null && !pids.isEmpty()) {
            throw new UsageException("give the PIDs either as arguments or with --pid, not both");
        }
        Pmap.Session session = new Pmap.Session(o);
        View view = new View(session);
        if (pids.size() <= 1) {
            return show(PmapProcess.read(reader, MemCommand.pid(pids.isEmpty() ? null : pids.getFirst(), g), mode), view);
        }
        // Several PIDs, as pmap takes them: the ones that cannot be read are reported, the others
        // printed as they are read (--json: one array of the processes read).
        List<String> failures = new ArrayList<>();
        List<Object> json = new ArrayList<>();
        int code = ExitCode.OK;
        for (int pid : pids) {
            try {
                PmapProcess p = PmapProcess.read(reader, pid, mode);
                if (g.json()) {
                    json.add(view.json(p));
                } else {
                    view.text(p, terminal());
                }
            } catch (NoSuchProcessException e) {
                failures.add(e.getMessage());
                code = Math.max(code, ExitCode.FAILURE);
            } catch (AccessDeniedException e) {
                failures.add("permission denied reading " + e.getFile() + ": " + PrivilegeException.advice());
                code = ExitCode.PRIVILEGE;
            } catch (IOException | ProcParseException e) {
                failures.add("PID " + pid + ": " + e.getMessage());
                code = code == ExitCode.PRIVILEGE ? code : ExitCode.FAILURE;
            }
        }
        if (g.json()) {
            out.print(Json.pretty(json) + "\n");
        }
        out.flush();
        for (String f : failures) {
            err().println("boxscope: " + Text.safe(f));
        }
        return code;
    }

    /**
     * pmap's text, byte for byte (one session for all the PIDs of a run: -X keeps its columns from
     * one process to the next); JSON: the process with every mapping and its smaps fields.
     */
    record View(Pmap.Session session) implements io.boxscope.cli.View<PmapProcess> {
        @Override
        public void text(PmapProcess p, Terminal t) {
            t.bytes(session.renderBytes(p));
        }

        @Override
        public Object json(PmapProcess p) {
            return MemJson.pmap(p);
        }
    }
}
