package io.boxscope.trace.scap;

import io.boxscope.proc.RawText;
import io.boxscope.trace.filter.Field;
import io.boxscope.trace.filter.Value;

import java.util.Arrays;
import java.util.List;

/**
 * The syslog class (sinsp_filter_check_syslog, libs e5c53d64 filterchecks.cpp) and sinsp_decoder_syslog
 * (protodecoder.cpp), which decodes what a successful write puts on an fd whose name contains {@code /dev/log}.
 * The decoder reads the priority from the second byte of the written data up to {@code >} (or a NUL, or 15
 * characters), as decimal digits only (sinsp_numparser::tryparsed32_fast, which does not look at the first byte);
 * the message is what follows {@code <PRI>}. Its values hold for that exit event only (the decoder resets at the
 * next event). sinsp attaches the decoder to fds opened or connected with {@code /dev/log} in their name; trace
 * tests the fd's name at the write, as evt.is_syslog does.
 */
final class SyslogFields {
    /** syslog_severity_strings. */
    private static final List<String> SEVERITIES = List.of("emerg", "alert", "crit", "err", "warn", "notice", "info", "debug");
    /** syslog_facility_strings. */
    private static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
            "news", "uucp", "clock", "authpriv", "ftp", "ntp", "logaudit", "logalert", "cron", "local0", "local1",
            "local2", "local3", "local4", "local5", "local6", "local7");
    private static final int PRI_BUF_SIZE = 16;

    private SyslogFields() {}

    /** A decoded message: the priority (PRI) and the text after {@code <PRI>}. */
    record Message(int priority, byte[] text) {
        long severity() {
            return priority & 0x07;
        }

        long facility() {
            return (priority >> 3) & 0xffffffffL;
        }

        String severityText() {
            return severity() < SEVERITIES.size() ? SEVERITIES.get((int) severity()) : "<NA>";
        }

        String facilityText() {
            return facility() < FACILITIES.size() ? FACILITIES.get((int) facility()) : "<NA>";
        }

        /**
         * The message as sinsp's string holds it: its bytes up to the first NUL (the C string it hands on), not UTF-8
         * ones kept as {@link RawText} escapes (sysdig prints the bytes; a U+FFFD would lose them).
         */
        String message() {
            int n = 0;
            while (n < text.length && text[n] != 0) {
                n++;
            }
            return RawText.decode(text, 0, n);
        }

        /** sinsp_decoder_syslog::get_info_line: what evt.info shows for the write. */
        String infoLine() {
            return "syslog sev=" + severityText() + " msg=" + message();
        }
    }

    /**
     * The message a write exit puts on a /dev/log fd (parse_rw_exit calls the decoder for EF_WRITES_TO_FD exits
     * whose res is not negative, with the "data" argument), or null: another event, a failed write, data that does
     * not start with a decimal {@code <PRI>}.
     */
    static Message decode(ScapEvent e, EventInfo info, Inspector.Fd fd) {
        if (info.isEnter() || !CallFields.isSyslog(info, fd) || e.params().isEmpty() || !e.isNum(0) || e.num(0) < 0) {
            return null;
        }
        if (!(CallFields.buffer(e, info) instanceof Value.Bytes b)) {
            return null;
        }
        byte[] data = b.bytes();
        int j = 0;
        for (int c = 1; c < data.length && data[c] != '>' && data[c] != 0 && j < PRI_BUF_SIZE - 1; c++) {
            j++;
        }
        if (data.length < j + 2 || j == 0) {
            return null;
        }
        int pri = 0;
        for (int c = 1; c <= j; c++) {
            if (data[c] < '0' || data[c] > '9') {
                return null;
            }
            pri = pri * 10 + (data[c] - '0'); // int arithmetic wraps as the C int32_t does
        }
        if (pri == -1) {
            return null; // m_priority -1 is the decoder's "no data"
        }
        return new Message(pri, Arrays.copyOfRange(data, j + 2, data.length));
    }

    /**
     * The syslog class's fields, each with its {@link Field}: {@link #get} switches over all of them without a
     * default, and SyslogFieldsTest checks that every field of the class has one.
     */
    enum Kind {
        FACILITY_STR(Field.SYSLOG_FACILITY_STR), FACILITY(Field.SYSLOG_FACILITY), SEVERITY_STR(Field.SYSLOG_SEVERITY_STR),
        SEVERITY(Field.SYSLOG_SEVERITY), MESSAGE(Field.SYSLOG_MESSAGE);

        private static final Kind[] ALL = values();
        final Field field;

        Kind(Field field) {
            this.field = field;
        }

        /** The syslog field {@code field} is, or null for a field of another class. */
        static Kind of(Field field) {
            for (Kind k : ALL) {
                if (k.field == field) {
                    return k;
                }
            }
            return null;
        }
    }

    /** The value of a syslog field for the message, or null when there is none (or the field is not a syslog one). */
    static Value get(Field field, Message m) {
        Kind k = Kind.of(field);
        if (m == null || k == null) {
            return null;
        }
        return switch (k) {
            case FACILITY_STR -> new Value.Text(m.facilityText());
            case FACILITY -> new Value.Num(m.facility());
            case SEVERITY_STR -> new Value.Text(m.severityText());
            case SEVERITY -> new Value.Num(m.severity());
            case MESSAGE -> new Value.Text(m.message());
        };
    }
}
