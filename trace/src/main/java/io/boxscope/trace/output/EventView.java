package io.boxscope.trace.output;

import io.boxscope.trace.chisel.Units;
import io.boxscope.trace.filter.Field;
import io.boxscope.trace.filter.FieldRef;
import io.boxscope.trace.filter.FieldType;
import io.boxscope.trace.filter.Value;
import io.boxscope.trace.scap.EventFormatter;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapFields;
import io.boxscope.trace.scap.SyscallFields;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * One event as output formats and chisels read it: its catalogue fields ({@link ScapFields}) and the
 * output-only fields, which need where the event sits in the stream (first and previous timestamps) and
 * how times are to be printed. Make one per event with {@link Timeline#view}, right after
 * {@link EventFormatter#next}.
 */
public final class EventView {
    private static final FieldRef LATENCY = FieldRef.of(Field.EVT_LATENCY);

    private final ScapEvent event;
    private final ScapFields fields;
    private final EventFormatter formatter;
    private final Timeline timeline;

    EventView(ScapEvent event, ScapFields fields, EventFormatter formatter, Timeline timeline) {
        this.event = event;
        this.fields = fields;
        this.formatter = formatter;
        this.timeline = timeline;
    }

    public ScapEvent event() {
        return event;
    }

    /** This event seen through other fields (a chisel's view of one thread and fd of the tables). */
    public EventView with(ScapFields other) {
        return new EventView(event, other, formatter, timeline);
    }

    /** The catalogue fields of this event (what filters read). */
    public ScapFields fields() {
        return fields;
    }

    /** The field's value, or null when the event has none. */
    public Value value(OutputField f) {
        return switch (f) {
            // evt.type.is is PF_NA: sysdig's formatter prints no number of that format (<NA>, null in -j)
            case OutputField.Catalogue c -> c.ref().field() == Field.EVT_TYPE_IS ? null : fields.get(c.ref());
            case OutputField.Extra x -> switch (x.kind()) {
                case EVT_COUNT -> new Value.Num(1);
                case EVT_RAWTIME, EVT_OUTPUTTIME, EVT_DATETIME, EVT_TIME_S, EVT_DATETIME_S, EVT_TIME_ISO8601 -> new Value.Num(event.ts());
                case EVT_RELTIME -> new Value.Num(event.ts() - timeline.first());
                case EVT_RELTIME_S -> new Value.Num((event.ts() - timeline.first()) / 1_000_000_000L);
                case EVT_RELTIME_NS -> new Value.Num((event.ts() - timeline.first()) % 1_000_000_000L);
                case EVT_DELTATIME_S -> new Value.Num((event.ts() - timeline.previous()) / 1_000_000_000L);
                case EVT_DELTATIME_NS -> new Value.Num((event.ts() - timeline.previous()) % 1_000_000_000L);
                case EVT_COUNT_EXIT -> event.info().map(i -> !i.isEnter()).orElse(false) ? new Value.Num(1) : null;
                case EVT_COUNT_ERROR -> fields.errorCount() ? new Value.Num(1) : null;
                case EVT_COUNT_ERROR_FILE -> fields.errorCount(SyscallFields.ErrorKind.FILE) ? new Value.Num(1) : null;
                case EVT_COUNT_ERROR_NET -> fields.errorCount(SyscallFields.ErrorKind.NET) ? new Value.Num(1) : null;
                case EVT_COUNT_ERROR_MEMORY -> fields.errorCount(SyscallFields.ErrorKind.MEMORY) ? new Value.Num(1) : null;
                case EVT_COUNT_ERROR_OTHER -> fields.errorCount(SyscallFields.ErrorKind.OTHER) ? new Value.Num(1) : null;
                case EVT_RAWTIME_S -> new Value.Num(event.ts() / 1_000_000_000L);
                case EVT_RAWTIME_NS -> new Value.Num(event.ts() % 1_000_000_000L);
                case EVT_DELTATIME -> new Value.Num(event.ts() - timeline.previous());
                case EVT_LATENCY_S -> new Value.Num(latency() / 1_000_000_000L);
                case EVT_LATENCY_NS -> new Value.Num(latency() % 1_000_000_000L);
                case EVT_LATENCY_HUMAN -> new Value.Text(Units.time(latency()));
                case K8S_POD_NAME, MESOS_TASK_NAME -> null;
            };
        };
    }

    /** The field as sysdig prints it, or null when the event has none ({@code <NA>}). */
    public String text(OutputField f) {
        return switch (f) {
            case OutputField.Catalogue c -> c.ref().field() == Field.EVT_RAWARG ? rawarg(c.ref())
                    : c.ref().field() == Field.EVT_TYPE_IS ? null
                    // TYPE_BUFFER outside comparisons: get_param_value_str of "data" in the buffer format (-A/-x/-X)
                    : c.ref().field() == Field.EVT_BUFFER ? fields.bufferText()
                    // fd.dev is PF_HEX (filterchecks.cpp): printed with %X
                    : c.ref().field() == Field.FD_DEV && fields.get(c.ref()) instanceof Value.Num n ? Integer.toHexString((int) n.value()).toUpperCase(java.util.Locale.ROOT)
                    : FieldText.of(c.ref(), fields.get(c.ref()));
            case OutputField.Extra x -> switch (x.kind()) {
                case EVT_OUTPUTTIME -> outputTime();
                case EVT_DATETIME -> {
                    ZonedDateTime z = local(event.ts());
                    yield String.format(Locale.ROOT, "%04d-%02d-%02d %s", z.getYear(), z.getMonthValue(), z.getDayOfMonth(),
                            formatter.time(event.ts()));
                }
                case EVT_TIME_S -> formatter.time(event.ts()).substring(0, 8);
                case EVT_DATETIME_S -> {
                    ZonedDateTime z = local(event.ts());
                    yield String.format(Locale.ROOT, "%04d-%02d-%02d %s", z.getYear(), z.getMonthValue(), z.getDayOfMonth(),
                            formatter.time(event.ts()).substring(0, 8));
                }
                case EVT_TIME_ISO8601 -> {
                    // sinsp_utils::ts_to_iso_8601: strftime %FT%T of gmtime, nine digits, %z of gmtime (+0000)
                    ZonedDateTime z = Instant.ofEpochSecond(Math.floorDiv(event.ts(), 1_000_000_000L),
                            Math.floorMod(event.ts(), 1_000_000_000L)).atZone(java.time.ZoneOffset.UTC);
                    yield String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d.%09d+0000", z.getYear(), z.getMonthValue(),
                            z.getDayOfMonth(), z.getHour(), z.getMinute(), z.getSecond(), z.getNano());
                }
                // PF_10_PADDED_DEC: nine digits
                case EVT_RELTIME, EVT_RELTIME_NS, EVT_DELTATIME_NS ->
                        value(f) instanceof Value.Num n ? String.format(Locale.ROOT, "%09d", n.value()) : null;
                case EVT_LATENCY_NS -> String.format(Locale.ROOT, "%09d", latency() % 1_000_000_000L);
                case EVT_RAWTIME_NS -> String.format(Locale.ROOT, "%09d", event.ts() % 1_000_000_000L);
                default -> FieldText.of(LATENCY, value(f)) ;
            };
        };
    }

    /**
     * evt.rawarg.NAME as sysdig 0.29 prints it: sinsp_filter_check::rawval_to_string at the type of the first event
     * argument so named and the field's print format, PF_NA (libs e5c53d64 filter.cpp, filterchecks.cpp): with
     * PF_NA only 64-bit signed numbers (INT64, PID, ERRNO), strings and booleans print; every other number prints
     * nothing ({@code <NA>}, or no line without {@code *}). Types rawval_to_string has no case for (PT_FD,
     * PT_FLAGS*, PT_UID, PT_MODE...) end sysdig's read with "wrong event type N": we print their value instead.
     */
    private String rawarg(FieldRef ref) {
        String pt = io.boxscope.trace.filter.EventTable.sysdig().paramType(ref.argName());
        return switch (pt == null ? "" : pt) {
            case "PT_INT8", "PT_INT16", "PT_INT32", "PT_UINT8", "PT_UINT16", "PT_UINT32", "PT_UINT64", "PT_RELTIME",
                 "PT_ABSTIME", "PT_PORT", "PT_L4PROTO", "PT_SOCKADDR", "PT_SOCKFAMILY" -> null;
            default -> FieldText.of(ref, fields.get(ref));
        };
    }

    /** Whether JSON output writes the field as a number (sysdig's -j: numeric types unquoted). */
    public static boolean numeric(OutputField f) {
        return switch (f) {
            case OutputField.Catalogue c -> switch (c.ref().type().kind()) {
                case SIGNED, UNSIGNED, DOUBLE -> true;
                case BOOL -> false;
                case STRING, BUFFER, ADDRESS, NETWORK -> false;
            };
            // evt.datetime, evt.time.s and evt.time.iso8601 are timestamps to -j (sinsp_filter_check_gen_event::extract_as_js): the raw number
            case OutputField.Extra x -> x.kind() != OutputField.Kind.EVT_LATENCY_HUMAN && x.kind() != OutputField.Kind.K8S_POD_NAME
                    && x.kind() != OutputField.Kind.MESOS_TASK_NAME;
        };
    }

    /** Whether JSON output writes the field as true/false. */
    public static boolean bool(OutputField f) {
        return f instanceof OutputField.Catalogue c && c.ref().type() == FieldType.BOOL;
    }

    private long latency() {
        return fields.get(LATENCY) instanceof Value.Num n ? n.value() : 0;
    }

    private String outputTime() {
        return switch (timeline.mode()) {
            case HUMAN -> formatter.time(event.ts());
            // sysdig 0.29 prints -t a's nanoseconds without zero padding (1700000000.500), unlike r, d and D
            case ABSOLUTE -> Long.toUnsignedString(event.ts() / 1_000_000_000L) + "." + event.ts() % 1_000_000_000L;
            case RELATIVE -> seconds(event.ts() - timeline.first());
            case DELTA -> seconds(latency());
            case DELTA_PREVIOUS -> seconds(event.ts() - timeline.previous());
        };
    }

    private static String seconds(long ns) {
        return Long.toUnsignedString(ns / 1_000_000_000L) + "." + String.format(Locale.ROOT, "%09d", ns % 1_000_000_000L);
    }

    private ZonedDateTime local(long ts) {
        return Instant.ofEpochSecond(Math.floorDiv(ts, 1_000_000_000L), Math.floorMod(ts, 1_000_000_000L)).atZone(timeline.zone());
    }
}
