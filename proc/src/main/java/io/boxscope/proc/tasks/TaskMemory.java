package io.boxscope.proc.tasks;

/**
 * A process's memory sizes in KiB ({@code VmSize}, {@code VmRSS}, {@code VmSwap} of /proc/PID/status,
 * proc(5); 0 where the file has no such line, as for kernel threads) and its open-files soft limit
 * ({@code Max open files} of /proc/PID/limits; -1 for "unlimited" or when unreadable). libscap's proc
 * scan fills its process list's vmsize/vmrss/vmswap and fdlimit from the same files.
 */
public record TaskMemory(long vmSizeKb, long vmRssKb, long vmSwapKb, long fdLimit) {
    /** Nothing known (a process that has exited). */
    public static final TaskMemory NONE = new TaskMemory(0, 0, 0, -1);

    /** Parses the texts of /proc/PID/status and /proc/PID/limits (either may be null: unread). */
    public static TaskMemory parse(String status, String limits) {
        long size = 0;
        long rss = 0;
        long swap = 0;
        if (status != null) {
            for (String line : status.split("\n")) {
                if (line.startsWith("VmSize:")) {
                    size = kb(line);
                } else if (line.startsWith("VmRSS:")) {
                    rss = kb(line);
                } else if (line.startsWith("VmSwap:")) {
                    swap = kb(line);
                }
            }
        }
        long fdLimit = -1;
        if (limits != null) {
            for (String line : limits.split("\n")) {
                if (line.startsWith("Max open files")) {
                    String[] w = line.substring("Max open files".length()).trim().split("\\s+");
                    if (w.length > 0 && w[0].chars().allMatch(Character::isDigit) && !w[0].isEmpty()) {
                        fdLimit = Long.parseLong(w[0]);
                    }
                }
            }
        }
        return new TaskMemory(size, rss, swap, fdLimit);
    }

    private static long kb(String line) {
        String digits = line.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? 0 : Long.parseLong(digits);
    }
}
