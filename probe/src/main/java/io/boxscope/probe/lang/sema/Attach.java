package io.boxscope.probe.lang.sema;

import java.util.List;

/**
 * One concrete attach point after expansion: what codegen and the loader attach to.
 * {@code name} is the canonical spelling bpftrace's {@code probe} builtin prints
 * ({@code tracepoint:syscalls:sys_enter_openat}, {@code uprobe:/usr/lib/x86_64-linux-gnu/libc.so.6:malloc},
 * {@code interval:s:5}); {@code target} the parts after the provider: [category, event] for
 * tracepoints, [event] for raw tracepoints, [path, function] for uprobes, [function] for kprobes
 * and kfuncs, [unit] for interval/profile, [event] for software/hardware, [path, provider, name]
 * for usdt. {@code number} is interval/profile's count or the software/hardware period (0 if none).
 */
public record Attach(ProbeKind kind, String name, List<String> target, long number) {
    public Attach {
        target = List.copyOf(target);
    }
}
