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

    /** The filter of the file I/O tables (topfiles_*, topprocs_file, topcontainers_file). */
    public static final String FILE_IO = "fd.type=file and evt.is_io=true";
    /** The filter of the network I/O tables (topprocs_net, topconns, topports_server, topcontainers_net). */
    public static final String NET_IO = "(fd.type=ipv4 or fd.type=ipv6) and evt.is_io=true";
    /** The filter of the CPU tables (topprocs_cpu, topcontainers_cpu): the driver's procinfo events. */
    public static final String PROCINFO = "evt.type=procinfo";
    private static final String PC = " With -pc, a container column is added.";

    /** Makes a chisel from its arguments and whether -pc asked for container columns. */
    @FunctionalInterface
    private interface Factory {
        Chisel create(ChiselInfo info, List<String> args, boolean container);
    }

    /** Makes a chisel from its arguments and everything sysdig tells a chisel ({@link ChiselContext}). */
    @FunctionalInterface
    private interface ContextFactory {
        Chisel create(ChiselInfo info, List<String> args, ChiselContext context);
    }

    private record Entry(ChiselInfo info, ContextFactory factory) {}

    /** The one list: every chisel, by name. */
    private static final Map<String, Entry> CHISELS = new LinkedHashMap<>();

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
        register(new ChiselInfo("fdbytes_by", "I/O", "I/O bytes by any field",
                "Sums the bytes read and written by successful I/O calls by the value of a field and prints the 30 "
                        + "largest, e.g. by proc.name to see which processes move the most data.", List.of(key)),
                (info, args, c) -> new TableChisel(info, new Spec(List.of(field(info, args.get(0))), List.of(args.get(0)),
                        "evt.rawarg.res", "Bytes", "evt.is_io=true and evt.failed=false", 30, ValueUnits.BYTES),
                        Filter.compile("evt.is_io=true and evt.failed=false", ServiceNames.none())));
        register(new ChiselInfo("fdcount_by", "I/O", "File descriptors by any field",
                "Counts the distinct file descriptors (number and name) used by each value of a field, e.g. by "
                        + "proc.name to see which processes touch the most files and sockets.", List.of(key)),
                (info, args, c) -> new FdCountBy(info, field(info, args.get(0))));
        registerWith(new ChiselInfo("spy_file", "I/O", "The data of file reads and writes",
                "Prints every successful read and write on a file with its time, process, size, file name and data "
                        + "as text; terminals are left out unless a file is named.",
                List.of(new ChiselInfo.Arg("read_or_write", "string", "R for reads only, W for writes only, RW (the default) for both", true),
                        new ChiselInfo.Arg("spy_on_file_name", "string", "Only this file", true))),
                (info, args, c) -> new SpyFile(info, args, c.buffers()));
        registerWith(new ChiselInfo("echo_fds", "I/O", "The data processes read and write",
                "Prints the data of every successful read and write, on any kind of file descriptor, under a header "
                        + "with its size, the file or connection and the process (reads red, writes blue).",
                List.of(new ChiselInfo.Arg("disable_color", "string", "disable_color to print without colours", true))),
                (info, args, c) -> new EchoFds(info, args, c.container(), c.buffers()));
        register(new ChiselInfo("stdout", "I/O", "What processes write to standard output",
                "Prints the data of every read and write on file descriptor 1, as it is; add a filter to pick "
                        + "processes.", List.of()), (info, args, c) -> new EchoFd(info, 1));
        register(new ChiselInfo("stderr", "I/O", "What processes write to standard error",
                "Prints the data of every read and write on file descriptor 2, as it is; add a filter to pick "
                        + "processes.", List.of()), (info, args, c) -> new EchoFd(info, 2));
        table("topprocs_cpu", "CPU Usage", "Processes by CPU usage",
                "The 10 processes that used the most CPU, as a share of the capture's duration, from the driver's "
                        + "procinfo events in a file; live, measured by the scheduler in the kernel." + PC,
                "proc.name,proc.pid", "Process,PID", "proc.name,proc.pid,proc.vpid,container.name",
                "Process,Host_pid,Container_pid,container.name", "thread.exectime", "CPU%", PROCINFO, 10,
                ValueUnits.TIMEPCT);
        table("topcontainers_cpu", "CPU Usage", "Containers by CPU usage",
                "The 10 containers (and the host) that used the most CPU, as a share of the capture's duration, from "
                        + "the driver's procinfo events in a file; live, measured by the scheduler in the kernel.",
                "container.name", "container.name", null, null, "thread.exectime", "CPU%", PROCINFO, 10,
                ValueUnits.TIMEPCT);
        register(new ChiselInfo("iobytes", "I/O", "I/O bytes on any kind of fd, every second",
                "Sums the bytes read and written on files, sockets, pipes and every other fd and prints the sums "
                        + "every second of event time.", List.of()),
                (info, args, c) -> new IoBytes(info, "evt.is_io=true"));
        register(new ChiselInfo("iobytes_file", "I/O", "File I/O bytes, every second",
                "Sums the bytes read from and written to files and prints the sums every second of event time.",
                List.of()), (info, args, c) -> new IoBytes(info, "evt.is_io=true and fd.type=file"));
        register(new ChiselInfo("iobytes_net", "Net", "Network I/O bytes, every second",
                "Sums the bytes read from and written to IPv4 and IPv6 sockets and prints the sums every second of "
                        + "event time.", List.of()),
                (info, args, c) -> new IoBytes(info, "evt.is_io=true and (fd.type=ipv4 or fd.type=ipv6)"));
        ChiselInfo.Arg noColors = new ChiselInfo.Arg("disable_color", "string", "disable_colors to print without colours", true);
        register(new ChiselInfo("proc_exec_time", "Performance", "How long processes ran",
                "Prints every process that exits with how long it ran since the capture saw it start, red above "
                        + "10 s, yellow above 3 s, blue in a container, green on the host." + PC, List.of(noColors)),
                ProcExecTime::new);
        register(new ChiselInfo("bottlenecks", "Performance", "The slowest system calls",
                "Prints the 10 system calls that took longest to return, each as its enter and exit event, at the "
                        + "end of the capture.", List.of()), (info, args, c) -> new Bottlenecks(info));
        ChiselInfo.Arg minMs = new ChiselInfo.Arg("min_ms", "int", "Only calls slower than this many milliseconds", false);
        ChiselInfo.Arg noColor = new ChiselInfo.Arg("disable_color", "string", "disable_color to print without colours", true);
        register(new ChiselInfo("fileslower", "Performance", "File I/O slower than a threshold",
                "Prints every read and write on a file (not under /dev) slower than a number of milliseconds, "
                        + "0 for all of them." + PC, List.of(minMs, noColor)),
                (info, args, c) -> new Slower(info, Slower.Kind.FILES, args, c));
        register(new ChiselInfo("scallslower", "Performance", "System calls slower than a threshold",
                "Prints every system call slower than a number of milliseconds." + PC, List.of(minMs, noColor)),
                (info, args, c) -> new Slower(info, Slower.Kind.SCALLS, args, c));
        register(new ChiselInfo("netlower", "Performance", "Network I/O slower than a threshold",
                "Prints every read and write on an IPv4 or IPv6 socket slower than a number of milliseconds, 0 for "
                        + "all of them." + PC, List.of(minMs, noColor)),
                (info, args, c) -> new Slower(info, Slower.Kind.NET, args, c));
        register(new ChiselInfo("spy_users", "Security", "What users do in their shells",
                "Prints every command users start from a shell and every directory a shell changes to, indented "
                        + "by depth below the shell." + PC,
                List.of(new ChiselInfo.Arg("max_depth", "int", "Leave out processes deeper than this below their shell", true),
                        noColor)), SpyUsers::new);
        ChiselInfo.Arg colors = new ChiselInfo.Arg("disable_color", "string", "disable_colors to print without colours", true);
        registerWith(new ChiselInfo("spy_ip", "Net", "The data exchanged with one IP address",
                "Prints the data of every successful read and write on an IPv4 or IPv6 socket whose local or remote "
                        + "address is the one given, under a header with the direction and size.",
                List.of(new ChiselInfo.Arg("host_ip", "ipv4", "The address, e.g. 127.0.0.1", false), colors)),
                (info, args, c) -> new SpyNet(info, true, args, c.buffers()));
        registerWith(new ChiselInfo("spy_port", "Net", "The data exchanged on one port",
                "Prints the data of every successful read and write on an IPv4 or IPv6 socket whose local or remote "
                        + "port is the one given, under a header with the direction and size.",
                List.of(new ChiselInfo.Arg("host_port", "int", "The port number, e.g. 80", false), colors)),
                (info, args, c) -> new SpyNet(info, false, args, c.buffers()));
        register(new ChiselInfo("fdtime_by", "I/O", "I/O time by any field",
                "Sums the time spent in I/O calls by the value of a field and prints the 10 largest, e.g. by "
                        + "proc.name or fd.name to see where I/O waits.", List.of(key)),
                (info, args, c) -> new TableChisel(info, new Spec(List.of(field(info, args.get(0))), List.of(args.get(0)),
                        "evt.latency", "Time", "evt.is_io=true", 10, ValueUnits.TIME),
                        Filter.compile("evt.is_io=true", ServiceNames.none())));
        register(new ChiselInfo("stdin", "I/O", "What processes read from standard input",
                "Prints the data of every read and write on file descriptor 0, as it is; add a filter to pick "
                        + "processes.", List.of()), (info, args, c) -> new EchoFd(info, 0));
        register(new ChiselInfo("httplog", "Application", "HTTP requests, one line each",
                "Pairs HTTP requests and responses seen in socket reads and writes and prints each with its "
                        + "direction, method, URL, status, latency and size." + PC, List.of()),
                (info, args, c) -> new Http(info, false, args, c));
        register(new ChiselInfo("httptop", "Application", "HTTP requests by calls, bytes or time",
                "Pairs HTTP requests and responses seen in socket reads and writes and prints the 30 method and URL "
                        + "pairs with the most calls, response bytes or mean latency." + PC,
                List.of(new ChiselInfo.Arg("by", "string", "ncalls (the default), bytes or time", true))),
                (info, args, c) -> new Http(info, true, args, c));
        registerWith(new ChiselInfo("spy_syslog", "Logs", "Messages written to syslog",
                "Prints every message written to a syslog socket (/dev/log) with its facility, severity, process "
                        + "and thread." + PC,
                List.of(new ChiselInfo.Arg("dump_file_name", "string", "Not supported: leave empty", true),
                        new ChiselInfo.Arg("dump_range_ms", "int", "Not supported", true), noColor)),
                (info, args, c) -> new SpySyslog(info, args, c));
        register(new ChiselInfo("lscontainers", "System State", "The containers, like docker ps",
                "Lists the containers known (described in the capture file) as the first event that passes the "
                        + "filter finds them: type, image, name and id.",
                List.of(new ChiselInfo.Arg("desc", "string", "Not supported", true))),
                (info, args, c) -> new LsContainers(info, args));
        register(new ChiselInfo("list_login_shells", "Security", "Login shell ids",
                "Prints the id of the login shell (the oldest shell above the process) of the last program started, "
                        + "optionally the last whose name or arguments contain a text; ids to use with spy_users." + PC,
                List.of(new ChiselInfo.Arg("command", "string", "Only programs whose argv[0] contains this text (* for any)", true),
                        new ChiselInfo.Arg("arguments", "string", "Only programs whose arguments contain this text", true))),
                ListLoginShells::new);
        registerWith(new ChiselInfo("spy_logs", "Logs", "Lines written to log files",
                "Prints every line written to a file whose name contains .log, _log or /var/log (not .gz or .tgz) "
                        + "with the process and the file." + PC,
                List.of(new ChiselInfo.Arg("dump_file_name", "string", "Not supported: leave empty", true),
                        new ChiselInfo.Arg("dump_range_ms", "int", "Not supported", true), noColor)),
                (info, args, c) -> new SpyLogs(info, args, c));
        registerWith(new ChiselInfo("memcachelog", "Application", "memcached get and set commands, one line each",
                "Prints every memcached text-protocol command starting with get or set seen in I/O on port 11211 or "
                        + "by a process named memcached: time, method, the size field and the key.",
                // no argtype in the Lua: sysdig -i prints "[]"
                List.of(new ChiselInfo.Arg("method", "", "get or set: only this method", true),
                        new ChiselInfo.Arg("size", "", "With set: only objects of at least this many bytes", true))),
                (info, args, c) -> new MemcacheLog(info, args, c.buffers()));
        registerWith(new ChiselInfo("udp_extract", "I/O", "UDP data written to files",
                "Reads a capture file and writes the data of every UDP socket (sent and received) into one file per "
                        + "connection under ./udp_dump_files, named after the connection's addresses.", List.of()),
                (info, args, c) -> new UdpExtract(info, c));
        ChiselInfo.Arg refresh = new ChiselInfo.Arg("refresh_time", "int", "How often a row is drawn, in milliseconds", true);
        registerWith(new ChiselInfo("spectrogram", "CPU Usage", "System call latencies as a heat map",
                "Draws, on an ANSI terminal, one row per refresh period (500 ms by default) of how many system calls "
                        + "returned after each latency, from 1 ns to 100 s on a log scale.", List.of(refresh)),
                (info, args, c) -> new HeatMap(info, HeatMap.Kind.SPECTROGRAM, args, c));
        registerWith(new ChiselInfo("subsecoffset", "CPU Usage", "When within each second system calls start",
                "Draws, on an ANSI terminal, one row per refresh period (1 s by default) of how many system calls "
                        + "started at each offset within the period, to show patterns averages hide.", List.of(refresh)),
                (info, args, c) -> new HeatMap(info, HeatMap.Kind.SUBSECOFFSET, args, c));
        registerWith(new ChiselInfo("around", "Misc", "The events near each filter match, saved to a file",
                "Reads a capture file, prints the time, process and thread of every event the filter keeps, then writes to "
                        + "a file the events within dump_range_ms milliseconds before and after each of them on the same "
                        + "thread (sysdig's around chisel: a filter is required, live captures are refused).",
                List.of(new ChiselInfo.Arg("dump_file_name", "string", "The file the events around the matches are written to", false),
                        new ChiselInfo.Arg("dump_range_ms", "int", "Milliseconds saved before and after each match (default 1000)", true))),
                Around::new);
        ChiselInfo.Arg tableFilter = new ChiselInfo.Arg("filter", "filter",
                "A filter over threads and their fds, one word, e.g. proc.name=nginx or fd.sport=80 (no evt fields)", true);
        register(new ChiselInfo("netstat", "System State", "Network connections, like netstat",
                "Lists the IPv4 and IPv6 sockets every thread has open as the first event that passes the filter "
                        + "finds them, like netstat.", List.of(tableFilter)),
                (info, args, c) -> new ThreadTable(info, ThreadTable.Layout.NETSTAT, args));
        register(new ChiselInfo("lsof", "System State", "Open file descriptors, like lsof",
                "Lists the fds every thread has open as the first event that passes the filter finds them, like "
                        + "lsof.", List.of(tableFilter)),
                (info, args, c) -> new ThreadTable(info, ThreadTable.Layout.LSOF, args));
        register(new ChiselInfo("ps", "System State", "Processes, like ps",
                "Lists every thread with its user, memory and fd limit as the first event that passes the filter "
                        + "finds them, like ps.", List.of(tableFilter)),
                (info, args, c) -> new ThreadTable(info, ThreadTable.Layout.PS, args));
    }

    private Chisels() {}

    private static void table(String name, String category, String summary, String description, String keys, String titles,
                              String pcKeys, String pcTitles, String value, String valueTitle, String filter, int top,
                              ValueUnits units) {
        ChiselInfo info = new ChiselInfo(name, category, summary, description, List.of());
        Spec plain = new Spec(List.of(keys.split(",")), List.of(titles.split(",")), value, valueTitle, filter, top, units);
        Spec pc = pcKeys == null ? plain
                : new Spec(List.of(pcKeys.split(",")), List.of(pcTitles.split(",")), value, valueTitle, filter, top, units);
        register(info, (i, args, container) -> {
            Spec s = container ? pc : plain;
            return new TableChisel(i, s, s.filter().isEmpty() ? ALL : Filter.compile(s.filter(), ServiceNames.none()));
        });
    }

    private static void register(ChiselInfo info, Factory factory) {
        registerWith(info, (i, args, context) -> factory.create(i, args, context.container()));
    }

    private static void registerWith(ChiselInfo info, ContextFactory factory) {
        if (CHISELS.put(info.name(), new Entry(info, factory)) != null) {
            throw new IllegalStateException("chisel " + info.name() + " is registered twice");
        }
    }

    /** A chisel's field argument, checked. */
    private static String field(ChiselInfo info, String key) {
        try {
            OutputField.parse(key);
            return key;
        } catch (FilterException e) {
            throw new IllegalArgumentException("chisel " + info.name() + ": " + e.problem(), e);
        }
    }

    /** Every chisel, in name order. */
    public static List<ChiselInfo> all() {
        List<ChiselInfo> l = new ArrayList<>();
        CHISELS.values().forEach(c -> l.add(c.info()));
        l.sort(java.util.Comparator.comparing(ChiselInfo::name));
        return l;
    }

    /** The chisel named {@code name}, if Boxscope has it. */
    public static Optional<ChiselInfo> info(String name) {
        return Optional.ofNullable(CHISELS.get(name)).map(Entry::info);
    }

    /**
     * A chisel's argument string as sysdig 0.29 splits it into arguments (libsinsp chisel.cpp, set_args): trimmed,
     * then cut at each space outside quotes, a quote being {@code '} or {@code `} (the quotes themselves dropped); an
     * empty or all-space string is no argument. So {@code -c spectrogram ' 5'} is one argument "5", and
     * {@code "'a b' c"} two, "a b" and "c".
     *
     * @throws IllegalArgumentException when a quote is not closed ("corrupted parameters for chisel NAME", sysdig's words)
     */
    public static List<String> splitArgs(String name, String args) {
        String a = args.strip();
        List<String> out = new java.util.ArrayList<>();
        if (a.isEmpty()) {
            return out;
        }
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (c == ' ' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else if (c == '\'' || c == '`') {
                quoted = !quoted;
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("corrupted parameters for chisel " + name);
        }
        out.add(cur.toString());
        return out;
    }

    /**
     * A new chisel.
     *
     * @param args      its arguments, as many as it takes
     * @param container sysdig's -pc: the chisels that have one use their layout with container columns
     * @throws IllegalArgumentException for an unknown chisel, missing arguments or a bad field argument
     */
    public static Chisel create(String name, List<String> args, boolean container) {
        return create(name, args, ChiselContext.of(container));
    }

    /**
     * A new chisel, told what sysdig tells its chisels (-pc, -A/-x/-X, live or not, a terminal or not).
     *
     * @throws IllegalArgumentException for an unknown chisel, missing arguments or a bad argument
     * @throws ChiselInitException      when the chisel refuses to run here, as its Lua's on_init returning false
     */
    public static Chisel create(String name, List<String> args, ChiselContext context) {
        ChiselInfo info = info(name).orElseThrow(() -> new IllegalArgumentException(
                "chisel " + name + " not found - use -cl to list them."));
        if (args.size() < info.required()) {
            throw new IllegalArgumentException("missing arguments for chisel " + name);
        }
        if (args.size() > info.args().size()) {
            throw new IllegalArgumentException("too many parameters for chisel " + name + ", " + info.required() + " required, "
                    + (info.args().size() - info.required()) + " optional, " + args.size() + " given");
        }
        return CHISELS.get(name).factory().create(info, args, context);
    }
}
