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
 * it once at the end of the run, every errno included (never lose data silently); {@code profile}, {@code offcputime}
 * and {@code diagnose}, which read their stacks the same way, say it in the same words ({@link #sentence(Advice)}) with
 * the advice that fits them.
 */
public record StacksUnread(Map<Integer, Long> byErrno) {
    public StacksUnread {
        byErrno = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(byErrno, "byErrno")));
    }

    /** Stacks printed empty, all errnos. */
    public long stacks() {
        return byErrno.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * These without EFAULT, for a command that samples whatever runs: there a kernel thread has no user stack and a
     * sample taken in user mode no kernel stack (bpf_get_stackid walks nothing: -EFAULT), which is no stack, not a lost
     * one; libbpf-tools' profile and offcputime count the same way (trace_helpers.h {@code STACK_ID_ERR}: {@code id < 0
     * && id != -EFAULT}; BCC's {@code stack_id_err}). Empty when nothing else is left.
     */
    public java.util.Optional<StacksUnread> lost() {
        Map<Integer, Long> rest = new TreeMap<>(byErrno);
        rest.remove(14);
        return rest.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(new StacksUnread(rest));
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

    /**
     * How a command shows an unread stack and what it lets the user do about a full or colliding stack map: the sentence
     * differs between commands only there. A stack map of more entries has more hash buckets (kernel/bpf/stackmap.c:
     * n_buckets = roundup_pow_of_two(max_entries)), so both EEXIST and ENOMEM get rarer with it.
     *
     * @param shown how the stack appears, e.g. {@code printed empty}
     * @param room  what to raise, e.g. {@code raise BPFTRACE_MAP_KEYS_MAX}
     */
    public record Advice(String shown, String room) {
        /**
         * {@code probe}: stack maps of {@link io.boxscope.probe.lang.sema.CheckOptions#DEFAULT_STACK_KEYS} entries as
         * bpftrace 0.17's, or BPFTRACE_MAP_KEYS_MAX when larger.
         */
        public static final Advice PROBE = new Advice("printed empty", "the stack maps hold "
                + io.boxscope.probe.lang.sema.CheckOptions.DEFAULT_STACK_KEYS + " stacks, or BPFTRACE_MAP_KEYS_MAX if larger: raise"
                + " BPFTRACE_MAP_KEYS_MAX");

        public Advice {
            Objects.requireNonNull(shown, "shown");
            Objects.requireNonNull(room, "room");
        }

        /** A command whose stack map of {@code stacks} entries an {@code option} sets ({@code --stack-storage-size}). */
        public static Advice option(int stacks, String option) {
            return new Advice("shown empty", "the stack map holds " + stacks + (stacks == 1 ? " stack" : " stacks") + ": raise " + option);
        }
    }

    /** Why an errno leaves a stack unread, in a few words. */
    static String why(int errno) {
        return switch (errno) {
            case 2 -> "the id was not in the stack map when read";
            case 12 -> "the stack map had no free entry";
            case 14 -> "no stack to walk, e.g. ustack in a kernel thread";
            case 17 -> "another stack held the id's bucket of the stack map";
            default -> "bpf_get_stackid failed";
        };
    }

    /**
     * {@code {"stacks": 3, "errors": {"eexist": 2, "efault": 1}}}: the JSON every command shows, as a map to render; the
     * errno names in snake_case as docs/json.md keeps kernel names ({@code errno_99} for one without a name here).
     */
    public Map<String, Object> json() {
        Map<String, Long> errors = new java.util.LinkedHashMap<>();
        byErrno.forEach((errno, n) -> errors.merge(name(errno).toLowerCase(java.util.Locale.ROOT).replace(' ', '_'), n, Long::sum));
        Map<String, Object> o = new java.util.LinkedHashMap<>();
        o.put("stacks", stacks());
        o.put("errors", errors);
        return o;
    }

    /**
     * The one sentence, without a newline: {@code 3 stacks printed empty because they could not be read: 2 EEXIST
     * (another stack held ...), 1 EFAULT (no stack to walk, ...); the stack maps hold ...}, worded for {@code advice}'s
     * command.
     */
    public String sentence(Advice advice) {
        long n = stacks();
        StringBuilder sb = new StringBuilder(Long.toUnsignedString(n)).append(n == 1 ? " stack" : " stacks")
                .append(' ').append(advice.shown()).append(" because ").append(n == 1 ? "it" : "they").append(" could not be read: ");
        String sep = "";
        for (Map.Entry<Integer, Long> e : byErrno.entrySet()) {
            sb.append(sep).append(Long.toUnsignedString(e.getValue())).append(' ').append(name(e.getKey()))
                    .append(" (").append(why(e.getKey())).append(')');
            sep = ", ";
        }
        if (byErrno.containsKey(12) || byErrno.containsKey(17)) {
            sb.append("; ").append(advice.room()); // a larger map has more buckets and free entries
        }
        return sb.toString();
    }
}
