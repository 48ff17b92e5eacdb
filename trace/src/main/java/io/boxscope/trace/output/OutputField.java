package io.boxscope.trace.output;

import io.boxscope.trace.filter.FieldRef;
import io.boxscope.trace.filter.FilterException;

/**
 * A field as output formats ({@code -p %fd.name}) and chisels name it: a field of the filter catalogue
 * ({@link io.boxscope.trace.filter.Field}), or one of the fields that only make sense for output (the
 * event count chisels sum, time stamps in other forms), which sysdig 0.29 lists under {@code evt}.
 */
public sealed interface OutputField {
    /** The name as written, e.g. {@code evt.rawarg.res}. */
    String name();

    /** A field of the filter catalogue. */
    record Catalogue(String name, FieldRef ref) implements OutputField {}

    /** An output-only field. */
    record Extra(String name, Kind kind) implements OutputField {}

    /** The output-only fields, with sysdig's names (filterchecks.cpp, sinsp_filter_check_event). */
    enum Kind {
        /** evt.count: 1 for every event; what chisels sum to count events. */
        EVT_COUNT("evt.count"),
        /** evt.rawtime: nanoseconds since the epoch. */
        EVT_RAWTIME("evt.rawtime"),
        EVT_RAWTIME_S("evt.rawtime.s"),
        EVT_RAWTIME_NS("evt.rawtime.ns"),
        /** evt.outputtime: the time as {@code -t} asks (default: local time of day with nanoseconds). */
        EVT_OUTPUTTIME("evt.outputtime"),
        /** evt.datetime: local {@code YYYY-MM-DD HH:MM:SS.nnnnnnnnn}. */
        EVT_DATETIME("evt.datetime"),
        /** evt.time.s: local {@code HH:MM:SS}. */
        EVT_TIME_S("evt.time.s"),
        /** evt.datetime.s: local {@code YYYY-MM-DD HH:MM:SS}. */
        EVT_DATETIME_S("evt.datetime.s"),
        /** evt.time.iso8601: UTC {@code YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000} (sinsp_utils::ts_to_iso_8601). */
        EVT_TIME_ISO8601("evt.time.iso8601"),
        /** evt.reltime: nanoseconds since the first event of the capture (m_firstevent_ts), and its parts. */
        EVT_RELTIME("evt.reltime"),
        EVT_RELTIME_S("evt.reltime.s"),
        EVT_RELTIME_NS("evt.reltime.ns"),
        /** evt.deltatime: nanoseconds since the previous event. */
        EVT_DELTATIME("evt.deltatime"),
        EVT_DELTATIME_S("evt.deltatime.s"),
        EVT_DELTATIME_NS("evt.deltatime.ns"),
        /** evt.count.exit: 1 for an exit event, no value for an enter event. */
        EVT_COUNT_EXIT("evt.count.exit"),
        /**
         * evt.count.error: 1 for an event whose res is negative, or the exit of an fd-creating event whose fd
         * is (extract_error_count); no value otherwise.
         */
        EVT_COUNT_ERROR("evt.count.error"),
        /** evt.count.error.file/.net/.memory/.other: evt.count.error of the events of that kind (ScapFields#errorCount(kind)). */
        EVT_COUNT_ERROR_FILE("evt.count.error.file"),
        EVT_COUNT_ERROR_NET("evt.count.error.net"),
        EVT_COUNT_ERROR_MEMORY("evt.count.error.memory"),
        EVT_COUNT_ERROR_OTHER("evt.count.error.other"),
        EVT_LATENCY_S("evt.latency.s"),
        /** evt.latency.ns: the latency's nanoseconds within its second, nine digits. */
        EVT_LATENCY_NS("evt.latency.ns"),
        /** evt.latency.human: the latency as chisels print times (1.50us, 12ms, 1.02s). */
        EVT_LATENCY_HUMAN("evt.latency.human"),
        /**
         * k8s.pod.name, for {@code -pk}'s line: sysdig 0.29 -r reads no Kubernetes metadata from a capture file (its k8s
         * state comes from the API server, k8s events are not in our files), so the pod's name has no value.
         */
        K8S_POD_NAME("k8s.pod.name"),
        /**
         * mesos.task.name, for {@code -pm}'s line: sysdig 0.29 reads Mesos tasks from a Mesos master (-m), never from
         * a capture file, so the task's name has no value.
         */
        MESOS_TASK_NAME("mesos.task.name");

        private final String fieldName;

        Kind(String fieldName) {
            this.fieldName = fieldName;
        }

        public String fieldName() {
            return fieldName;
        }
    }

    /**
     * The field named {@code name}.
     *
     * @throws FilterException when neither list has it
     */
    static OutputField parse(String name) {
        for (Kind k : Kind.values()) {
            if (k.fieldName.equals(name)) {
                return new Extra(name, k);
            }
        }
        return new Catalogue(name, FieldRef.parse(name));
    }

    /** Whether {@code name} is a field (of either list). */
    static boolean exists(String name) {
        try {
            parse(name);
            return true;
        } catch (FilterException e) {
            return false;
        }
    }
}
