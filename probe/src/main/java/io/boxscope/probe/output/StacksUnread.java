package io.boxscope.probe.output;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * kstack/ustack values printed as an empty stack because their frames could not be read, counted by errno (positive):
 * bpf_get_stackid failed in the kernel and stored its negative error as the id (kernel/bpf/stackmap.c
 * {@code __bpf_get_stackid}: -EEXIST when the id's hash bucket holds another stack and BPF_F_REUSE_STACKID is not
 * passed, -ENOMEM when no free element is left, -EFAULT when there is no stack to walk), or the id was not in the stack
 * map when read (ENOENT). bpftrace 0.17 prints the empty stack too and logs {@code failed to look up stack id -17
 * (pid N): -2} on standard error for each one except -EFAULT (src/bpftrace.cpp {@code get_stack}); {@code probe} says
 * it once at the end of the run, every errno included (never lose data silently).
 */
public record StacksUnread(Map<Integer, Long> byErrno) {
    public StacksUnread {
        byErrno = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(byErrno, "byErrno")));
    }

    /** Stacks printed empty, all errnos. */
    public long stacks() {
        return byErrno.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The symbolic name of an errno this can hold (asm-generic/errno-base.h), else {@code errno N}. */
    public static String name(int errno) {
        return switch (errno) {
            case 2 -> "ENOENT";
            case 12 -> "ENOMEM";
            case 14 -> "EFAULT";
            case 17 -> "EEXIST";
            default -> "errno " + errno;
        };
    }

    /** Why an errno leaves a stack unread, in a few words. */
    static String why(int errno) {
        return switch (errno) {
            case 2 -> "the id was not in the stack map when read";
            case 12 -> "the stack map had no free entry";
            case 14 -> "no stack to walk, e.g. ustack in a kernel thread";
            case 17 -> "another stack held the id's bucket of the stack map; raise BPFTRACE_MAP_KEYS_MAX";
            default -> "bpf_get_stackid failed";
        };
    }

    /**
     * The one sentence, without a newline: {@code 3 stacks printed empty because they could not be read: 2 EEXIST
     * (another stack held ...), 1 EFAULT (no stack to walk, ...)}.
     */
    public String sentence() {
        long n = stacks();
        StringBuilder sb = new StringBuilder(Long.toUnsignedString(n)).append(n == 1 ? " stack" : " stacks")
                .append(" printed empty because ").append(n == 1 ? "it" : "they").append(" could not be read: ");
        String sep = "";
        for (Map.Entry<Integer, Long> e : byErrno.entrySet()) {
            sb.append(sep).append(Long.toUnsignedString(e.getValue())).append(' ').append(name(e.getKey()))
                    .append(" (").append(why(e.getKey())).append(')');
            sep = ", ";
        }
        return sb.toString();
    }
}
