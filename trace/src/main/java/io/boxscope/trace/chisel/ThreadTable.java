package io.boxscope.trace.chisel;

import io.boxscope.trace.filter.Filter;
import io.boxscope.trace.filter.ServiceNames;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;
import io.boxscope.trace.scap.Inspector;
import io.boxscope.trace.scap.ScapFields;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * netstat, lsof and ps: the thread table as it stands at the first event that passes the user's filter
 * (reading stops there, as the chisels call sysdig.end_capture()), printed as sysdig 0.29's chisels of those
 * names print it. The optional argument is a filter over threads and their fds (lua_cbacks::
 * get_thread_table): a thread is listed when one of its fds passes it, and lsof and netstat list only the
 * fds that pass; netstat's own filter keeps IPv4 and IPv6 sockets. A thread sees its process's fds when it
 * shares them (CLONE_FILES).
 *
 * <p>Order: threads by tid, fds by number. sysdig walks Lua tables (lsof and ps sort threads by tid; netstat
 * does not; fds come in Lua's table order, which is by number for small fds and hash order for the others),
 * so only the order of rows can differ from sysdig's.
 */
final class ThreadTable extends StreamChisel {
    /** Which chisel. */
    enum Layout { NETSTAT, LSOF, PS }

    private static final OutputField FD_TYPE = OutputField.parse("fd.type");
    private static final OutputField L4 = OutputField.parse("fd.l4proto");
    private static final OutputField SIP = OutputField.parse("fd.sip");
    private static final OutputField SPORT = OutputField.parse("fd.sport");
    private static final OutputField CIP = OutputField.parse("fd.cip");
    private static final OutputField CPORT = OutputField.parse("fd.cport");

    private final Layout layout;
    private final Filter threads;
    private EventView first;

    ThreadTable(ChiselInfo info, Layout layout, List<String> args) {
        super(info, "");
        this.layout = layout;
        String arg = args.isEmpty() ? null : String.join(" ", args);
        if (arg != null && java.util.Arrays.stream(arg.split("[^a-zA-Z0-9_.]+")).anyMatch(w -> w.startsWith("evt."))) {
            throw new IllegalArgumentException("invalid filter argument for get_thread_table in chisel " + info.name()
                    + ": the given filter is not supported for thread table filtering (" + arg + ")");
        }
        String text = layout == Layout.NETSTAT ? "(fd.type=ipv4 or fd.type=ipv6)" + (arg == null ? "" : "and (" + arg + ")") : arg;
        try {
            this.threads = text == null ? null : Filter.compile(text, ServiceNames.none());
        } catch (io.boxscope.trace.filter.FilterException e) {
            throw new IllegalArgumentException("invalid filter argument for get_thread_table in chisel " + info.name() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        if (first == null) {
            first = e;
        }
    }

    @Override
    public boolean done() {
        return first != null;
    }

    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        if (first == null) {
            out.accept("empty capture or no event matching the filter");
            return;
        }
        ScapFields at = first.fields();
        Inspector insp = at.inspector();
        out.accept(switch (layout) {
            case NETSTAT -> Units.extend("Proto", 6) + Units.extend("Server Address", 25) + Units.extend("Client Address", 25)
                    + Units.extend("State", 15) + "TID/PID/Program Name";
            case LSOF -> Units.extend("COMMAND", 20) + Units.extend("PID", 8) + Units.extend("TID", 8) + Units.extend("USER", 8)
                    + Units.extend("FD", 8) + Units.extend("TYPE", 12) + "NAME";
            case PS -> Units.extend("TID", 8) + Units.extend("PID", 8) + Units.extend("USER", 12) + Units.extend("VIRT", 11)
                    + Units.extend("RES", 11) + Units.extend("FDLIMIT", 10) + Units.extend("CMD", 20);
        });
        for (Inspector.Thread t : insp.threads().values()) {
            List<Map.Entry<Long, EventView>> fds = new ArrayList<>();
            for (Map.Entry<Long, Inspector.Fd> fd : t.fds().entrySet()) {
                EventView v = first.with(at.withFd(t.tid(), fd.getKey(), fd.getValue()));
                if (threads == null || threads.matches(v.fields())) {
                    fds.add(Map.entry(fd.getKey(), v));
                }
            }
            if (threads != null && fds.isEmpty()) {
                continue;
            }
            String comm = t.comm() == null ? "<NA>" : t.comm();
            // get_thread_table's username (chisel_api.cpp): <NA> for uid 0xffffffff and for a uid the user list lacks
            String user = t.uid() < 0 || insp.user((int) t.uid()) == null ? "<NA>" : insp.user((int) t.uid());
            switch (layout) {
                case PS -> out.accept(Units.extend(Long.toString(t.tid()), 8) + Units.extend(Long.toString(t.pid()), 8)
                        + Units.extend(user, 12) + Units.extend(Units.bytes(t.vmsizeKb() * 1024), 11)
                        + Units.extend(Units.bytes(t.vmrssKb() * 1024), 11) + Units.extend(fdlimit(t.fdlimit()), 10) + comm);
                case LSOF -> {
                    for (Map.Entry<Long, EventView> fd : fds) {
                        out.accept(Units.extend(comm, 20) + Units.extend(Long.toString(t.pid()), 8)
                                + Units.extend(Long.toString(t.tid()), 8) + Units.extend(user, 8)
                                + Units.extend(Long.toString(fd.getKey()), 8) + Units.extend(text(fd.getValue(), FD_TYPE, "nil"), 12)
                                + text(fd.getValue(), FD_NAME, "nil"));
                    }
                }
                case NETSTAT -> {
                    for (Map.Entry<Long, EventView> fd : fds) {
                        EventView v = fd.getValue();
                        String cip = v.text(CIP);
                        String client = cip == null ? "0.0.0.0:*" : cip + ":" + text(v, CPORT, "nil");
                        // a listening socket's fd.sip is empty here; its name is its address and port
                        String server = v.text(SIP) == null ? text(v, FD_NAME, "nil") : v.text(SIP) + ":" + text(v, SPORT, "nil");
                        out.accept(Units.extend(text(v, L4, "nil"), 6) + Units.extend(server, 25)
                                + Units.extend(client, 25) + Units.extend(cip == null ? "LISTEN" : "ESTABLISHED", 15)
                                + t.tid() + "/" + t.pid() + "/" + comm);
                    }
                }
            }
        }
    }


    /**
     * ps.lua's FDLIMIT: sysdig.get_thread_table gives the limit as a uint32 (libs e5c53d64 chisel_api.cpp), so
     * an unknown one (-1) prints 4294967295, which extend_string cuts to 9 characters like any 10-digit value.
     */
    private static String fdlimit(long limit) {
        return Long.toString(limit & 0xffffffffL);
    }
}
