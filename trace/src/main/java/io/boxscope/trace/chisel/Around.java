package io.boxscope.trace.chisel;

import io.boxscope.trace.output.EventView;
import io.boxscope.trace.output.OutputField;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * around: sysdig 0.29's {@code around.lua}. Prints {@code TIME PROC(TID)} for every event the user's filter keeps,
 * then, at the end, {@code Saving events around N syslog entries to FILE} (the Lua's words, "syslog" included)
 * and asks for a second reading of the file ({@link SecondPass}) that writes to {@code dump_file_name} the
 * events within {@code dump_range_ms} (default 1000) of a match on the match's thread:
 * {@code (evt.around[TS]=MS and thread.tid=TID) or ...}, TS the match's time in nanoseconds (common.lua's
 * {@code ts_to_str}). As in the Lua, {@code dump_range_ms} goes into that filter as it is given (a word that is
 * not a number makes the second filter fail to compile), and no match at all leaves the filter empty, so
 * every event is written.
 *
 * <p>Refused as the Lua refuses: no filter ("no filter specified", its on_init) and a live capture ("live
 * capture not supported", its on_capture_start). sysdig runs the second pass with {@code -F} (fatfile), and so
 * does the front end: the events left out that change state (EF_MODIFIES_STATE: the opens and closes of
 * other times, the clones of other threads) are written too, flagged state-only, so {@code sysdig -r} of the
 * written file skips them but still names the fds they opened.
 */
final class Around extends StreamChisel {
    private static final OutputField TIME = OutputField.parse("evt.time");
    private static final OutputField TID = OutputField.parse("thread.tid");

    private record Match(long ts, String tid) {}

    private final String dumpFile;
    private final String rangeMs;
    private final Path source;
    private final boolean tty;
    private final List<Match> matches = new ArrayList<>();

    Around(ChiselInfo info, List<String> args, ChiselContext c) {
        super(info, "");
        if (c.filter().isEmpty()) {
            throw new ChiselInitException(info.name(), "no filter specified");
        }
        if (c.live()) {
            throw new ChiselInitException(info.name(), "live capture not supported");
        }
        this.dumpFile = args.get(0);
        this.rangeMs = args.size() > 1 ? args.get(1) : "1000";
        this.source = c.source();
        this.tty = c.tty();
    }

    @Override
    public void event(EventView e, Consumer<String> out) {
        String tid = text(e, TID, "nil");
        out.accept(text(e, TIME, "nil") + " " + text(e, NAME, "<NA>") + "(" + tid + ")");
        matches.add(new Match(e.event().ts(), tid));
    }

    @Override
    public void end(Consumer<String> out, boolean json, long lastTs) {
        if (tty) {
            out.accept(sgr(true, RESET));
        }
        out.accept("");
        out.accept("Saving events around " + matches.size() + " syslog entries to " + dumpFile);
    }

    /** The second reading: the events around every match, on its thread, written to dump_file_name. */
    @Override
    public Optional<SecondPass> secondPass() {
        StringBuilder f = new StringBuilder();
        for (Match m : matches) {
            if (!f.isEmpty()) {
                f.append(" or ");
            }
            f.append("(evt.around[").append(Long.toUnsignedString(m.ts())).append("]=").append(rangeMs)
                    .append(" and thread.tid=").append(m.tid()).append(')');
        }
        return Optional.of(new SecondPass(source, Path.of(dumpFile), f.toString()));
    }
}
