package io.boxscope.cli.bench;

import io.boxscope.cli.UsageException;

final class SubcommandSupport {
    private SubcommandSupport() {}

    /** sysbench scripts say "sysbench cpu run"; accept "run", refuse prepare/cleanup for tests without them. */
    static void onlyRun(String test, String command) {
        if (command == null || command.equals("run")) {
            return;
        }
        if (command.equals("prepare") || command.equals("cleanup")) {
            throw new UsageException("the " + test + " test does not have the '" + command + "' command");
        }
        throw new UsageException("unknown command '" + command + "' for " + test + ": only 'run'");
    }
}
