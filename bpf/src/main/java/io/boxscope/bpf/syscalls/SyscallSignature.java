package io.boxscope.bpf.syscalls;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A system call's number, name and arguments on the running architecture.
 *
 * @param nr    the number ({@code args->id} of raw_syscalls:sys_enter, {@code __syscall_nr} of syscalls:sys_enter_*)
 * @param name  the syscall's name as {@link SyscallTable} gives it ({@code fstat}, {@code umount2})
 * @param event the tracepoint's name without {@code sys_enter_} ({@code newfstat}, {@code umount}: the name of the
 *              kernel's {@code SYSCALL_DEFINE}), empty when the kernel has no tracepoint for it
 * @param args  arguments in order; empty for a syscall without arguments or without a tracepoint
 *              (see {@link #hasFormat})
 */
public record SyscallSignature(int nr, String name, String event, List<SyscallArg> args) {
    public SyscallSignature {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(event, "event");
        args = List.copyOf(args);
    }

    /** False when the kernel has no {@code sys_enter_} tracepoint for this syscall, so its arguments are unknown. */
    public boolean hasFormat() {
        return !event.isEmpty();
    }

    public Optional<SyscallArg> arg(String argName) {
        return args.stream().filter(a -> a.name().equals(argName)).findFirst();
    }
}
