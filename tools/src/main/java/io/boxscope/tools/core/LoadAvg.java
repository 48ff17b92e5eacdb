package io.boxscope.tools.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * /proc/loadavg as libbpf-tools' oomkill and filetop print it: the file's line as is (proc(5):
 * three load averages, running/total scheduling entities, the last PID), read when they print.
 */
public final class LoadAvg {
    private LoadAvg() {}

    /**
     * The line without its newline, or null when the file cannot be read or is empty: libbpf-tools then
     * print their line without the load average, and so do the tools here.
     */
    public static String read(Path procRoot) {
        try {
            String s = Files.readString(procRoot.resolve("loadavg")).strip();
            return s.isEmpty() ? null : s;
        } catch (IOException e) {
            return null;
        }
    }
}
