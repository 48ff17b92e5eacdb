package io.boxscope.trace.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.boxscope.trace.filter.FilterException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parts of {@code -p} that the command-line comparison with sysdig cannot show byte for byte (the
 * terminal escaping doubles backslashes): sysdig.cpp's escape_output_format turns {@code \n}, {@code \t},
 * {@code \e} and {@code \\} into their characters and leaves any other backslash; field names end where
 * no longer name a field.
 */
class OutputFormatTest {
    @Test
    void escapesAsSysdigDoes() {
        assertEquals("a\nb\tc\u001bd\\e\\qf\\", OutputFormat.unescape("a\\nb\\tc\\ed\\\\e\\qf\\"));
    }

    @Test
    void fieldNamesEndWhereTheFieldEnds() {
        OutputFormat f = OutputFormat.parse("*%evt.type.%proc.name: %12fd.name|%evt.arg.fd%proc.aname[2]x");
        assertEquals(List.of("evt.type", "proc.name", "fd.name", "evt.arg.fd", "proc.aname[2]"),
                f.fields().stream().map(OutputField::name).toList());
    }

    @Test
    void badTokens() {
        FilterException e = assertThrows(FilterException.class, () -> OutputFormat.parse("%evt.num %"));
        assertTrue(e.problem().contains("formatting cannot end with a %"));
        e = assertThrows(FilterException.class, () -> OutputFormat.parse("x %no.such"));
        assertEquals("invalid formatting token no.such", e.problem());
    }
}
