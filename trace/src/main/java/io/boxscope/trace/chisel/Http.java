package io.boxscope.trace.chisel;

import io.boxscope.trace.chisel.TableChisel.Spec;
import io.boxscope.trace.chisel.TableChisel.ValueUnits;
import io.boxscope.trace.filter.Value;
import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;
import io.boxscope.trace.scap.BufferFormat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * httplog and httptop: HTTP requests and responses seen in the buffers of socket I/O, paired per process
 * and fd, as sysdig 0.29's {@code http.lua} pairs them for {@code httplog.lua} and {@code httptop.lua}.
 *
 * <p>The buffer is the event's data as sysdig shows it by default (bytes that are not printable as dots, so
 * CR LF reads {@code ..}). With no request pending on the (pid, fd), a buffer starting with upper-case
 * letters, a space and a word is a request (method, URL; a {@code Host: H..} header puts H before the URL),
 * remembered with its time, direction ({@code <} read: this process is the server; {@code >} write: the
 * client) and container. With one pending, a buffer holding {@code HTTP/V CODE} anywhere is its response
 * ({@code Content-Length: N..} its size, else 0) and completes the transaction; other buffers are ignored.
 *
 * <p>httplog prints one line per transaction: the response's date and time, the direction, method, URL,
 * code, latency (whole ms, from the two events' times as Lua numbers) and size; {@code -pc} adds the
 * request's container name. httptop prints a table (common.lua's print_sorted_table) of method and URL
 * ({@code -pc}: the container first) by number of transactions, response bytes or mean latency, 30 rows.
 */
final class Http extends StreamChisel {
    private static final OutputField DATETIME = OutputField.parse("evt.datetime");
    private static final OutputField FD_NUM = OutputField.parse("fd.num");
    private static final OutputField WRITE = OutputField.parse("evt.is_io_write");
    private static final Pattern REQUEST = Pattern.compile("^([A-Z]+) ([\\x21-\\x7e]+)");
    private static final Pattern HOST = Pattern.compile("Host: ([\\x21-\\x7e]+)\\.\\.");
    private static final Pattern RESPONSE = Pattern.compile("HTTP/[\\x21-\\x7e]+ ([0-9]+)");
    private static final Pattern LENGTH = Pattern.compile("Content-Length: ([0-9]+)\\.\\.");

    /** What httptop sums (its argument {@code by}). */
    enum By { NCALLS, BYTES, TIME }

    /** A request (method and URL, Host included) as parsed from a buffer. */
    record Request(String method, String url) {}

    /** A response: status code and Content-Length (0 without one). */
    record Response(long code, long length) {}

    /**
     * A completed transaction: the request, its time and direction ({@code <}, {@code >} or {@code <NA>})
     * and container, the response and its time (ns since the epoch).
     */
    record Transaction(Request request, long requestTs, String dir, String container, Response response, long responseTs) {
        /** http.lua's latency: the difference of the two times as Lua numbers (doubles). */
        double latencyNs() {
            return (double) responseTs - (double) requestTs;
        }
    }

    private record Pending(Request request, long ts, String dir, String container) {}

    private final boolean top;
    private final boolean container;
    private final By by;
    private final Map<String, Pending> pending = new HashMap<>();
    /** httptop: the transactions of the interval, by key, in first-seen order. */
    private final Map<List<String>, List<Transaction>> byKey = new java.util.LinkedHashMap<>();

    /** {@code top}: httptop (args: optional ncalls, bytes or time), else httplog. */
    Http(ChiselInfo info, boolean top, List<String> args, boolean container) {
        super(info, "evt.is_io=true and evt.buflen>0 and (fd.sockfamily=ip or fd.sockfamily=unix)");
        this.top = top;
        this.container = container;
        this.by = args.isEmpty() ? By.NCALLS : switch (args.get(0)) {
            case "ncalls" -> By.NCALLS;
            case "bytes" -> By.BYTES;
            case "time" -> By.TIME;
            default -> throw new IllegalArgumentException("chisel " + info.name() + ": Invalid argument! Valid options: ncalls, bytes, time");
        };
    }

    /** http.lua's parse_request of a buffer as shown with dots, or null. */
    static Request parseRequest(String buf) {
        Matcher m = REQUEST.matcher(buf);
        if (!m.find()) {
            return null;
        }
        Matcher h = HOST.matcher(buf);
        return new Request(m.group(1), h.find() ? h.group(1) + m.group(2) : m.group(2));
    }

    /** http.lua's parse_response of a buffer as shown with dots, or null. */
    static Response parseResponse(String buf) {
        Matcher m = RESPONSE.matcher(buf);
        if (!m.find()) {
            return null;
        }
        Matcher l = LENGTH.matcher(buf);
        return new Response(number(m.group(1)), l.find() ? number(l.group(1)) : 0);
    }

    /** Lua's tonumber of a digit string: a double, here cut to a long (huge values saturate). */
    private static long number(String digits) {
        return (long) Double.parseDouble(digits);
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        byte[] b = data(e);
        if (b == null || b.length == 0 || !(e.value(FD_NUM) instanceof Value.Num fd) || !(e.value(PID) instanceof Value.Num pid)) {
            return;
        }
        String buf = BufferFormat.DOTS.render(b);
        String key = pid.value() + "/" + fd.value();
        Pending p = pending.get(key);
        if (p == null) {
            Request r = parseRequest(buf);
            if (r != null) {
                String dir = e.value(READ) instanceof Value.Bool rd && rd.value() ? "<"
                        : e.value(WRITE) instanceof Value.Bool w && w.value() ? ">" : "<NA>";
                pending.put(key, new Pending(r, e.event().ts(), dir, text(e, CONTAINER, "<NA>")));
            }
            return;
        }
        Response r = parseResponse(buf);
        if (r == null) {
            return;
        }
        pending.remove(key);
        Transaction t = new Transaction(p.request(), p.ts(), p.dir(), p.container(), r, e.event().ts());
        if (top) {
            List<String> k = new ArrayList<>();
            if (container) {
                k.add(t.container());
            }
            k.add(t.request().method());
            k.add(t.request().url());
            byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(t);
        } else {
            out.accept(String.format(Locale.ROOT, "%s%s%s method=%s url=%s response_code=%d latency=%dms size=%dB",
                    e.text(DATETIME), container ? " " + t.container() + " " : " ", t.dir(), t.request().method(),
                    t.request().url(), r.code(), (long) (t.latencyNs() / 1_000_000), r.length()));
        }
    }

    /** httptop's table of the transactions so far (aggregate_grtable, then print_sorted_table). */
    private TableChisel table() {
        List<String> keys = new ArrayList<>(container ? List.of("container") : List.of());
        keys.addAll(List.of("method", "url"));
        String value = by.name().toLowerCase(Locale.ROOT);
        ValueUnits units = switch (by) {
            case NCALLS -> ValueUnits.NONE;
            case BYTES -> ValueUnits.BYTES;
            case TIME -> ValueUnits.TIME;
        };
        TableChisel t = TableChisel.fedByAdd(info(), new Spec(keys, keys, value, value, "", 30, units));
        for (Map.Entry<List<String>, List<Transaction>> x : byKey.entrySet()) {
            List<Transaction> l = x.getValue();
            long v = switch (by) {
                case NCALLS -> l.size();
                case BYTES -> l.stream().mapToLong(tr -> tr.response().length()).sum();
                // the mean as a Lua number; format_time_interval prints its whole nanoseconds
                case TIME -> (long) Math.floor(l.stream().mapToDouble(Transaction::latencyNs).sum() / l.size());
            };
            t.add(x.getKey(), v);
        }
        return t;
    }

    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        if (top) {
            table().end(out, json, lastTs);
        }
    }

    /** httptop prints its table every second on a live capture (chisel.set_interval_s(1)). */
    @Override
    public long liveIntervalNs() {
        return top ? 1_000_000_000L : 0;
    }

    @Override
    public void interval(Consumer<String> out, boolean json, long ts) {
        if (top) {
            table().end(out, json, ts);
            byKey.clear();
        }
    }

    /** The Lua's {@code sysdig.set_snaplen(1024)}. */
    @Override
    public int snapLen() {
        return 1024;
    }
}
