package io.boxscope.probe.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * {@code system()} (only with --unsafe): the command runs through {@code /bin/sh -c} and its standard
 * output becomes the message, as bpftrace 0.17 runs it with popen(3) and prints what it read, while
 * events wait (the action is synchronous there too). Its standard error goes to ours.
 */
final class SystemCommand {
    private SystemCommand() {}

    /** The command's standard output; a failure to start it goes to {@code errors} and gives "". */
    static String run(String command, Consumer<String> errors) {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor();
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            errors.accept("system(): cannot run '" + command + "': " + e.getMessage());
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
