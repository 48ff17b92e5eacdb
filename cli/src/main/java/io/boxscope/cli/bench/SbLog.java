package io.boxscope.cli.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * sysbench's logger (sb_logger.c), as the drop-in needs it: every message goes to standard output
 * with its priority's prefix ("FATAL: ", "WARNING: ", ...). Before {@link #init} (while sysbench
 * reads its options) everything is printed; after it, only messages at or below --verbosity, and a
 * message equal to the one before is counted instead of printed ("(last message repeated N times)").
 */
final class SbLog {
    static final int FATAL = 0;
    static final int ALERT = 1;
    static final int WARNING = 2;
    static final int NOTICE = 3;
    static final int INFO = 4;
    static final int DEBUG = 5;

    private final PrintStream out;
    private boolean initialized;
    private int verbosity = NOTICE;
    private String last = "";
    private int repeated;

    SbLog(PrintStream out) {
        this.out = out;
    }

    void init(int verbosity) {
        this.verbosity = verbosity;
        this.initialized = true;
    }

    int verbosity() {
        return verbosity;
    }

    boolean shows(int priority) {
        return !initialized || priority <= verbosity;
    }

    private static String prefix(int priority) {
        return switch (priority) {
            case FATAL -> "FATAL: ";
            case ALERT -> "ALERT: ";
            case WARNING -> "WARNING: ";
            case DEBUG -> "DEBUG: ";
            default -> "";
        };
    }

    /** log_text: one message, to which sysbench adds a newline. */
    void text(int priority, String message) {
        String text = message + "\n";
        if (!initialized) {
            out.print(prefix(priority) + text);
            return;
        }
        if (priority > verbosity) {
            return;
        }
        if (text.equals(last)) {
            repeated++;
            return;
        }
        flushRepeated();
        last = text;
        out.print(prefix(priority) + text);
        out.flush();
    }

    /** log_timestamp: "[ Ns ] " and the message, never folded into a repeat count. */
    void timestamp(int priority, double seconds, String message) {
        if (initialized && priority > verbosity) {
            return;
        }
        out.print(prefix(priority) + String.format(Locale.ROOT, "[ %.0fs ] ", seconds) + message + "\n");
        out.flush();
    }

    /**
     * Several NOTICE messages already joined with their newlines (SysbenchText's blocks, each the
     * lines sysbench logs one by one): printed as they are at the default verbosity, not at all below.
     */
    void notices(String block) {
        if (block.isEmpty() || !shows(NOTICE)) {
            return;
        }
        flushRepeated();
        last = "";
        out.print(block);
        out.flush();
    }

    private void flushRepeated() {
        if (repeated > 0) {
            out.print("(last message repeated " + repeated + " times)\n");
            repeated = 0;
        }
    }

    /** Text sysbench prints with printf, whatever the verbosity (help, option lists). */
    void plain(String text) {
        out.print(text);
        out.flush();
    }
}
