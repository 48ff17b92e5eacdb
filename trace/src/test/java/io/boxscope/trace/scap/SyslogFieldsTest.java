package io.boxscope.trace.scap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.boxscope.proc.RawText;
import io.boxscope.trace.filter.Field;
import io.boxscope.trace.filter.FieldClass;
import io.boxscope.trace.filter.Value;
import org.junit.jupiter.api.Test;

/**
 * A syslog message's bytes that are not UTF-8 are kept ({@link RawText}), as sysdig prints them: they were replaced
 * by U+FFFD, which lost them. Every field of the syslog class has its {@link SyslogFields.Kind}.
 */
class SyslogFieldsTest {
    @Test
    void aMessageThatIsNotUtf8KeepsItsBytes() {
        byte[] text = {'c', 'a', 'f', (byte) 0xc3, (byte) 0xa9, ' ', (byte) 0xff, (byte) 0xfe, ' ', 'r', 'a', 'w', 0, 'x'};
        SyslogFields.Message m = new SyslogFields.Message(13, text);
        assertEquals("caf\u00e9 \udcff\udcfe raw", m.message());
        assertArrayEquals(java.util.Arrays.copyOf(text, 12), RawText.encode(m.message()), "the bytes up to the NUL");
        assertEquals("syslog sev=notice msg=caf\u00e9 \udcff\udcfe raw", m.infoLine());
        assertEquals(new Value.Text("caf\u00e9 \udcff\udcfe raw"), SyslogFields.get(Field.SYSLOG_MESSAGE, m));
    }

    @Test
    void everySyslogFieldHasItsKind() {
        SyslogFields.Message m = new SyslogFields.Message(191, new byte[] {'m'});
        for (Field f : Field.values()) {
            if (f.fieldClass() == FieldClass.SYSLOG) {
                assertNotNull(SyslogFields.Kind.of(f), f.toString());
                assertNotNull(SyslogFields.get(f, m), f.toString());
            } else {
                assertNull(SyslogFields.Kind.of(f), f.toString());
            }
        }
        assertEquals(new Value.Text("local7"), SyslogFields.get(Field.SYSLOG_FACILITY_STR, m));
        assertEquals(new Value.Num(7), SyslogFields.get(Field.SYSLOG_SEVERITY, m));
    }
}
