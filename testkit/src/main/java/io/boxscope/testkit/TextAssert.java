package io.boxscope.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;

/** Assertions on rendered text: a Prometheus exposition, an AST dump, a command's output. */
public final class TextAssert {
    private TextAssert() {}

    /**
     * Fails unless {@code text} contains every one of {@code parts}. The message names each part that is
     * missing, then shows the whole text, so one run shows all that is wrong, not only the first.
     */
    public static void assertContainsAll(String text, String... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("assertContainsAll needs at least one part to look for");
        }
        List<String> missing = new ArrayList<>();
        for (String p : parts) {
            if (!text.contains(p)) {
                missing.add(p);
            }
        }
        if (!missing.isEmpty()) {
            fail(missing.size() + " of " + parts.length + " expected parts missing: " + missing + "\nin:\n" + text);
        }
    }
}
