package io.boxscope.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a PID argument. picocli's own message for "abc" ("'abc' is not an int") does not say what
 * was expected, and PIDs are positive (proc(5): PID 0 is the idle task, which has no /proc entry).
 * The value is quoted as typed: Main escapes the whole message when it prints it.
 */
public final class PidConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        int pid = valueOf(value);
        if (pid <= 0) {
            throw new TypeConversionException(message(value));
        }
        return pid;
    }

    /** {@link #convert} for arguments read as text: a usage error when it is not a PID. */
    public static int parse(String value) {
        int pid = valueOf(value);
        if (pid <= 0) {
            throw new UsageException(message(value));
        }
        return pid;
    }

    /** The number, or 0 when it is none. */
    private static int valueOf(String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String message(String value) {
        return "'" + value + "' is not a PID (a process ID is a number from 1, see ps)";
    }
}
