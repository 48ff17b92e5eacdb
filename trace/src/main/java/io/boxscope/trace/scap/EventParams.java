package io.boxscope.trace.scap;

/**
 * Reading an event's parameters by name, for the state rules ({@link Inspector}, {@link ThreadRules},
 * {@link FdRules}): a missing or non-numeric parameter reads as {@link Long#MIN_VALUE}, a missing or non-text one
 * as null, so a rule tests for absence without catching anything.
 */
final class EventParams {
    private EventParams() {}

    /** The parameter named {@code name} as a number (read in place), or {@link Long#MIN_VALUE} when it is none. */
    static long num(ScapEvent e, String name) {
        if (name == "res") { // the two names asked for most, from EventKinds' per-type table (no lookup by name)
            return e.num(EventKinds.res(e.type()));
        }
        if (name == "fd") {
            return e.num(EventKinds.fd(e.type()));
        }
        EventInfo info = e.infoOrNull();
        return info == null ? Long.MIN_VALUE : e.num(info.indexOf(name));
    }

    static String text(ScapEvent e, String name) {
        return e.value(name).orElse(null) instanceof ParamValue.Text t ? t.string() : null;
    }
}
