package io.boxscope.trace.scap;

import java.util.List;
import java.util.Set;

/**
 * One row of the driver's event table: what event number {@link #id()} means.
 *
 * @param id       the PPME_* number as written in capture files
 * @param constant the PPME_* constant's name, e.g. {@code PPME_SYSCALL_OPENAT_2_X}
 * @param name     the name sysdig prints as evt.type, e.g. {@code openat}
 * @param category the event category without its EC_ prefix, e.g. {@code FILE}
 * @param flags    the EF_* flags, e.g. {@code EF_CREATES_FD}
 * @param params   the parameters, in the order they are encoded
 */
public record EventInfo(int id, String constant, String name, String category, Set<String> flags,
                        List<ParamInfo> params) {
    public EventInfo {
        flags = Set.copyOf(flags);
        params = List.copyOf(params);
    }

    /** Enter events have even numbers, exit events odd ones (ppm_events_public.h pairs them). */
    public boolean isEnter() {
        return (id & 1) == 0;
    }

    /** sysdig's evt.dir: {@code >} for enter, {@code <} for exit. */
    public char direction() {
        return isEnter() ? '>' : '<';
    }

    /** Marked EF_OLD_VERSION: only old capture files carry it; writers use the newest variant. */
    public boolean oldVersion() {
        return flags.contains("EF_OLD_VERSION");
    }

    /** Marked EF_UNUSED: a placeholder number no driver emits. */
    public boolean unused() {
        return flags.contains("EF_UNUSED");
    }

    /**
     * Index of the parameter named {@code paramName}, or -1. The table's names are interned ({@link EventTable}) and
     * callers pass literals, so a first pass compares references: the inspector asks by name several times per
     * event of a file, and comparing each name's bytes until the match was most of that cost (C1 code).
     */
    public int indexOf(String paramName) {
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).name() == paramName) {
                return i;
            }
        }
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).name().equals(paramName)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * One parameter's description.
     *
     * @param name   its name as printed in evt.info ({@code name=value})
     * @param type   how it is encoded
     * @param format the PF_* print format without prefix: DEC, HEX, OCT, NA, ...
     * @param info   the flag table for FLAGS and MODE parameters, {@code DIRFD_PARAM(n)} for paths relative
     *               to a directory fd, or empty
     */
    public record ParamInfo(String name, ParamType type, String format, String info) {}
}
