package io.boxscope.trace.chisel;

import io.boxscope.trace.chisel.TableChisel.Spec;
import io.boxscope.trace.chisel.TableChisel.ValueUnits;
import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.FilterException;
import io.boxscope.trace.filter.ServiceNames;
import io.boxscope.trace.output.OutputField;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chisels Boxscope has, by sysdig's names, categories, tables and output (sysdig 0.29's
 * {@code /usr/share/sysdig/chisels/*.lua}: which fields each groups by and sums, its filter, how many rows
 * and in which units). The one list {@code -cl}, {@code -i} and {@code -c} use.
 */
public final class Chisels {
    /** A filter that keeps every event. */
    static final Filter ALL = Filter.compile("", ServiceNames.none());

    private static final String FILE_IO = "fd.type=file and evt.is_io=true";
    private static final String NET_IO = "(fd.type=ipv4 or fd.type=ipv6) and evt.is_io=true";
    private static final String PC = " With -pc, a container column is added.";

    /** A table chisel's two layouts: plain and with {@code -pc}. */
    private record Table(ChiselInfo info, Spec plain, Spec container) {}

    private static final Map<String, Table> TABLES = new LinkedHashMap<>();
    private static final Map<String, ChiselInfo> OTHERS = new LinkedHashMap<>();

    static {
        table("topscalls", "Performance", "System calls by number of calls",
                "The 30 system calls made most often." + PC,
                "evt.type", "Syscall", "evt.type,container.name", "Syscall,container.name",
                "evt.count", "# Calls", "evt.type!=switch", 30, ValueUnits.NONE);
        table("topscalls_time", "Performance", "System calls by time spent in them",
                "The 30 system calls that took the most time (the sum of their latencies)." + PC,
                "evt.type", "Syscall", "evt.type,container.name", "Syscall,container.name",
                "evt.latency", "Time", "", 30, ValueUnits.TIME);
        table("topfiles_bytes", "I/O", "Files by bytes read and written",
                "The 10 files with the most bytes read plus written." + PC,
                "fd.name", "Filename", "container.name,fd.name", "container.name,Filename",
                "evt.rawarg.res", "Bytes", FILE_IO, 10, ValueUnits.BYTES);
        table("topfiles_time", "I/O", "Files by time spent in I/O",
                "The 10 files whose reads and writes took the most time." + PC,
                "fd.name", "Filename", "fd.name,container.name", "Filename,container.name",
                "evt.latency", "Time", FILE_IO, 10, ValueUnits.TIME);
        table("topfiles_errors", "Errors", "Files by number of failed calls",
                "The files on which most calls failed (up to 100)." + PC,
                "fd.name", "Filename", "fd.name,container.name", "Filename,container.name",
                "evt.count", "#Errors", "fd.type=file and evt.failed=true", 100, ValueUnits.NONE);
        table("topprocs_file", "I/O", "Processes by bytes read and written to files",
                "The 10 processes with the most bytes read plus written to files." + PC,
                "proc.name,proc.pid", "Process,PID", "proc.name,proc.pid,thread.vtid,container.name",
                "Process,Host_pid,Container_pid,container.name", "evt.rawarg.res", "Bytes", FILE_IO, 10, ValueUnits.BYTES);
        table("topprocs_net", "Net", "Processes by network bytes",
                "The processes with the most bytes sent plus received on IPv4 and IPv6 sockets (up to 100)." + PC,
                "proc.name,proc.pid", "Process,PID", "proc.name,proc.pid,thread.vtid,container.name",
                "Process,Host_pid,Container_pid,container.name", "evt.rawarg.res", "Bytes", NET_IO, 100, ValueUnits.BYTES);
        table("topprocs_errors", "Errors", "Processes by number of failed calls",
                "The processes whose calls failed most often (up to 100)." + PC,
                "proc.name,proc.pid", "Process,PID", "proc.name,proc.pid,thread.vtid,container.name",
                "Process,Host_pid,Container_pid,container.name", "evt.count", "#Errors", "evt.failed=true", 100, ValueUnits.NONE);
        table("topconns", "Net", "Connections by bytes",
                "The 30 network connections with the most bytes sent plus received." + PC,
                "fd.l4proto,fd.name", "Proto,Conn", "container.name,fd.l4proto,fd.name", "container.name,Proto,Conn",
                "evt.rawarg.res", "Bytes", NET_IO, 30, ValueUnits.BYTES);
        table("topports_server", "Net", "Server ports by bytes",
                "The TCP and UDP server ports with the most bytes sent plus received (up to 100)." + PC,
                "fd.sport", "Srv Port", "fd.sport,container.name", "Srv Port,container.name",
                "evt.rawarg.res", "Bytes", NET_IO, 100, ValueUnits.BYTES);
        table("topcontainers_file", "I/O", "Containers by bytes read and written to files",
                "The 10 containers with the most bytes read plus written to files (the host left out).",
                "container.name", "container.name", null, null,
                "evt.rawarg.res", "Bytes", FILE_IO + " and container.name!=host", 10, ValueUnits.BYTES);
        table("topcontainers_net", "Net", "Containers by network bytes",
                "The containers with the most bytes sent plus received on IPv4 and IPv6 sockets (up to 100; the host left out).",
                "container.name", "container.name", null, null,
                "evt.rawarg.res", "Bytes", NET_IO + " and container.name!=host", 100, ValueUnits.BYTES);
        table("topcontainers_error", "Errors", "Containers by number of failed calls",
                "The containers whose calls failed most often (up to 100; the host left out).",
                "container.name", "container.name", null, null,
                "evt.count", "#Errors", "evt.failed=true and container.name!=host", 100, ValueUnits.NONE);
        ChiselInfo.Arg key = new ChiselInfo.Arg("key", "string", "The field to group by, e.g. proc.name or fd.sport", false);
        OTHERS.put("fdbytes_by", new ChiselInfo("fdbytes_by", "I/O", "I/O bytes by any field",
                "Sums the bytes read and written by successful I/O calls by the value of a field and prints the 30 "
                        + "largest, e.g. by proc.name to see which processes move the most data.", List.of(key)));
        OTHERS.put("fdcount_by", new ChiselInfo("fdcount_by", "I/O", "File descriptors by any field",
                "Counts the distinct file descriptors (number and name) used by each value of a field, e.g. by "
                        + "proc.name to see which processes touch the most files and sockets.", List.of(key)));
        OTHERS.put("spy_file", new ChiselInfo("spy_file", "I/O", "The data of file reads and writes",
                "Prints every successful read and write on a file with its time, process, size, file name and data "
                        + "as text; terminals are left out unless a file is named.",
                List.of(new ChiselInfo.Arg("read_or_write", "string", "R for reads only, W for writes only, RW (the default) for both", true),
                        new ChiselInfo.Arg("spy_on_file_name", "string", "Only this file", true))));
        OTHERS.put("echo_fds", new ChiselInfo("echo_fds", "I/O", "The data processes read and write",
                "Prints the data of every successful read and write, on any kind of file descriptor, under a header "
                        + "with its size, the file or connection and the process (reads red, writes blue).",
                List.of(new ChiselInfo.Arg("disable_color", "string", "disable_color to print without colours", true))));
        OTHERS.put("stdout", new ChiselInfo("stdout", "I/O", "What processes write to standard output",
                "Prints the data of every read and write on file descriptor 1, as it is; add a filter to pick "
                        + "processes.", List.of()));
        OTHERS.put("stderr", new ChiselInfo("stderr", "I/O", "What processes write to standard error",
                "Prints the data of every read and write on file descriptor 2, as it is; add a filter to pick "
                        + "processes.", List.of()));
    }

    private Chisels() {}

    private static void table(String name, String category, String summary, String description, String keys, String titles,
                              String pcKeys, String pcTitles, String value, String valueTitle, String filter, int top,
                              ValueUnits units) {
        ChiselInfo info = new ChiselInfo(name, category, summary, description, List.of());
        Spec plain = new Spec(List.of(keys.split(",")), List.of(titles.split(",")), value, valueTitle, filter, top, units);
        Spec pc = pcKeys == null ? plain
                : new Spec(List.of(pcKeys.split(",")), List.of(pcTitles.split(",")), value, valueTitle, filter, top, units);
        TABLES.put(name, new Table(info, plain, pc));
    }

    /** Every chisel, in name order. */
    public static List<ChiselInfo> all() {
        List<ChiselInfo> l = new ArrayList<>();
        TABLES.values().forEach(t -> l.add(t.info()));
        l.addAll(OTHERS.values());
        l.sort(java.util.Comparator.comparing(ChiselInfo::name));
        return l;
    }

    /** The chisel named {@code name}, if Boxscope has it. */
    public static Optional<ChiselInfo> info(String name) {
        Table t = TABLES.get(name);
        return t != null ? Optional.of(t.info()) : Optional.ofNullable(OTHERS.get(name));
    }

    /**
     * A new chisel.
     *
     * @param args      its arguments, as many as it takes
     * @param container sysdig's -pc: the chisels that have one use their layout with container columns
     * @throws IllegalArgumentException for an unknown chisel, missing arguments or a bad field argument
     */
    public static Chisel create(String name, List<String> args, boolean container) {
        ChiselInfo info = info(name).orElseThrow(() -> new IllegalArgumentException(
                "chisel " + name + " not found - use -cl to list them."));
        if (args.size() < info.required()) {
            throw new IllegalArgumentException("missing arguments for chisel " + name);
        }
        Table t = TABLES.get(name);
        if (t != null) {
            Spec s = container ? t.container() : t.plain();
            return new TableChisel(info, s, Filter.compile(s.filter(), ServiceNames.none()));
        }
        if (name.equals("echo_fds")) {
            return new EchoFds(info, args, container);
        }
        if (name.equals("spy_file")) {
            return new SpyFile(info, args);
        }
        if (name.equals("stdout") || name.equals("stderr")) {
            return new EchoFd(info, name.equals("stdout") ? 1 : 2);
        }
        String key = args.get(0);
        try {
            OutputField.parse(key);
        } catch (FilterException e) {
            throw new IllegalArgumentException("chisel " + name + ": " + e.problem(), e);
        }
        return switch (name) {
            case "fdbytes_by" -> new TableChisel(info, new Spec(List.of(key), List.of(key), "evt.rawarg.res", "Bytes",
                    "evt.is_io=true and evt.failed=false", 30, ValueUnits.BYTES),
                    Filter.compile("evt.is_io=true and evt.failed=false", ServiceNames.none()));
            case "fdcount_by" -> new FdCountBy(info, key);
            default -> throw new IllegalStateException("chisel " + name + " has no implementation");
        };
    }
}
