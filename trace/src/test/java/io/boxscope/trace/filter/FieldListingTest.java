package io.boxscope.trace.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code trace -l} has sysdig 0.29.3's {@code -l} layout, lists only fields sysdig has, in sysdig's
 * order and classes, with sysdig's types. The fixtures are sysdig's own output, captured on this
 * machine (sysdig -l, sysdig -lv); {@link #fixturesAreWhatTheInstalledSysdigPrints} re-checks them.
 */
class FieldListingTest {
    static String fixture(String name) throws IOException {
        try (InputStream in = FieldListingTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** One parsed block of a listing: its "Field Class:" line and its fields, name → description (joined). */
    record Block(String header, Map<String, String> fields) {}

    static List<Block> parse(String listing) {
        List<Block> out = new ArrayList<>();
        for (String chunk : listing.split("-------------------------------\n")) {
            if (chunk.isBlank()) {
                continue;
            }
            String[] lines = chunk.split("\n");
            Map<String, String> fields = new LinkedHashMap<>();
            String current = null;
            boolean inFields = false;
            for (int i = 1; i < lines.length; i++) {
                String l = lines[i];
                if (l.isEmpty()) {
                    inFields = true;
                    continue;
                }
                if (!inFields) {
                    continue;
                }
                if (l.startsWith(" ".repeat(30))) {
                    fields.merge(current, l.substring(30), String::concat);
                } else {
                    current = l.length() > 30 && l.charAt(29) == ' ' ? l.substring(0, 30).strip() : l.strip();
                    fields.put(current, l.length() > 30 ? l.substring(30) : "");
                }
            }
            out.add(new Block(lines[0], fields));
        }
        return out;
    }

    @Test
    void classesAndFieldsAreSysdigsInSysdigsOrder() throws IOException {
        List<Block> sysdig = parse(fixture("sysdig-0.29.3-l.txt"));
        List<Block> ours = parse(FieldListing.text(false));
        int from = 0;
        for (Block b : ours) {
            Block match = null;
            for (int i = from; i < sysdig.size(); i++) {
                if (sysdig.get(i).header().equals(b.header())) {
                    match = sysdig.get(i);
                    from = i + 1;
                    break;
                }
            }
            assertNotNull(match, "sysdig has the class, after the previous one: " + b.header());
            List<String> theirs = new ArrayList<>(match.fields().keySet());
            int at = -1;
            for (String name : b.fields().keySet()) {
                int k = theirs.indexOf(name);
                assertTrue(k > at, name + " is in sysdig's " + b.header() + ", after the field before it");
                at = k;
            }
        }
    }

    @Test
    void typesAreSysdigs() throws IOException {
        Map<String, String> types = new LinkedHashMap<>();
        for (Block b : parse(fixture("sysdig-0.29.3-lv.txt"))) {
            b.fields().forEach((name, desc) -> types.putIfAbsent(name, desc.substring(desc.indexOf("(Type: ") + 7, desc.indexOf(')'))));
        }
        for (Field f : Field.values()) {
            assertEquals(types.get(f.fieldName()), f.type().label(), f.fieldName());
        }
    }

    @Test
    void layoutIsSysdigs() {
        for (boolean verbose : new boolean[] {false, true}) {
            String text = FieldListing.text(verbose);
            assertTrue(text.startsWith("-------------------------------\nField Class:                  evt (All event types)\n"
                    + "Description:                  "), text.substring(0, 200));
            assertTrue(text.contains("\n\n-------------------------------\nField Class:                  process\n"), "a blank line between classes");
            assertTrue(text.endsWith(" \n\n"), "every line ends in a space; a blank line after the last class");
            for (String line : text.split("\n")) {
                assertTrue(line.length() <= 120, "at most 120 columns: " + line);
                // a name of 30 characters or more stands alone on its line, with no space after it (sysdig -l's
                // proc.is_container_liveness_probe)
                boolean longName = line.length() >= FieldListing.RIGHT_BLOCK && !line.contains(" ");
                assertTrue(line.isEmpty() || line.startsWith("---") || line.startsWith("Field Class:") || line.endsWith(" ") || longName,
                        "words are followed by a space: [" + line + "]");
            }
            assertTrue(text.contains("\nproc.pid                      " + (verbose ? "(Type: INT64) " : "the process ID")), "names padded to column 30");
        }
    }

    @Test
    void wrappingIsSysdigsOnAllOfSysdigsDescriptions() throws IOException {
        // Our descriptions are our own words; the wrapping rule is checked on sysdig's: re-wrapping
        // each description of sysdig's -l must give back sysdig's lines exactly.
        String[] lines = fixture("sysdig-0.29.3-l.txt").split("\n", -1);
        int checked = 0;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            boolean field = !l.isEmpty() && !l.startsWith(" ") && !l.startsWith("---") && !l.startsWith("Field Class:");
            if (!field) {
                continue;
            }
            StringBuilder block = new StringBuilder(l.length() > 30 && l.charAt(29) == ' ' ? l.substring(30) : "");
            if (l.length() > 30 && l.charAt(29) != ' ') {
                block.setLength(0); // a long name alone on its line: the text starts on the next one
                block.append(lines[++i].substring(30));
            }
            while (i + 1 < lines.length && lines[i + 1].startsWith(" ".repeat(30))) {
                block.append("\n").append(lines[++i]);
            }
            assertEquals(block.toString(), FieldListing.wrapped(block.toString().replace("\n" + " ".repeat(30), " ")), l);
            checked++;
        }
        assertTrue(checked > 200, "checked " + checked);
    }

    @Test
    void fixturesAreWhatTheInstalledSysdigPrints() throws Exception {
        Sysdig.require();
        assertEquals(fixture("sysdig-0.29.3-l.txt"), Sysdig.run("-l").output());
        assertEquals(fixture("sysdig-0.29.3-lv.txt"), Sysdig.run("-lv").output());
    }
}
