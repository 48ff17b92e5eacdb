package io.boxscope.bpf.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU lists from sysfs (Documentation/ABI/testing/sysfs-devices-system-cpu). Per-CPU maps hold one
 * value per <em>possible</em> CPU; perf events are opened per <em>online</em> CPU.
 */
public final class Cpus {
    private static volatile int possible = -1;

    private Cpus() {}

    /** Number of possible CPUs (highest index + 1), the stride count of per-CPU map values. */
    public static int possible() {
        int p = possible;
        if (p < 0) {
            List<Integer> l = read("possible");
            p = l.isEmpty() ? Runtime.getRuntime().availableProcessors() : l.get(l.size() - 1) + 1;
            possible = p;
        }
        return p;
    }

    /** Online CPU indexes. */
    public static List<Integer> online() {
        return read("online");
    }

    private static List<Integer> read(String which) {
        try {
            return parse(Files.readString(Path.of("/sys/devices/system/cpu/" + which)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /sys/devices/system/cpu/" + which + ": is sysfs mounted?", e);
        }
    }

    /** "0-3,5,7-8" → [0,1,2,3,5,7,8]. */
    public static List<Integer> parse(String s) {
        List<Integer> out = new ArrayList<>();
        for (String part : s.strip().split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int dash = part.indexOf('-');
            if (dash < 0) {
                out.add(Integer.parseInt(part));
            } else {
                int a = Integer.parseInt(part.substring(0, dash));
                int b = Integer.parseInt(part.substring(dash + 1));
                for (int i = a; i <= b; i++) {
                    out.add(i);
                }
            }
        }
        return out;
    }
}
