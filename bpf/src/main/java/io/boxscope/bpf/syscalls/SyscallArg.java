package io.boxscope.bpf.syscalls;

import java.util.Objects;

/**
 * One argument of a system call as the kernel declares it.
 *
 * @param index     position in {@code sys_enter}'s {@code args[6]} (0–5)
 * @param name      the kernel's parameter name ({@code SYSCALL_DEFINEn} in the kernel source)
 * @param type      the C type as the format file prints it, e.g. {@code const char *}, {@code unsigned int}
 * @param size      bytes of the C type (8 for pointers); the tracepoint stores every argument as a full
 *                  register, so {@link #decode} truncates to this size
 * @param signed    whether the C type is signed (then {@link #decode} sign-extends)
 * @param kind      what the argument is, see {@link ArgKind}
 * @param lengthArg for {@link ArgKind#BUFFER} and {@link ArgKind#SOCKADDR}: the index of the argument holding
 *                  the length (which may itself be a pointer, as accept's {@code int *upeer_addrlen}); else -1
 */
public record SyscallArg(int index, String name, String type, int size, boolean signed, ArgKind kind, int lengthArg) {
    public SyscallArg {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kind, "kind");
        if (index < 0 || index > 5) {
            throw new IllegalArgumentException("syscall argument index " + index + " is not 0-5");
        }
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException("argument " + name + ": size " + size + " is not 1, 2, 4 or 8");
        }
    }

    /** True for every argument whose value is a user-space address. */
    public boolean isPointer() {
        return type.contains("*") || kind == ArgKind.PATH || kind == ArgKind.STRING || kind == ArgKind.BUFFER
                || kind == ArgKind.SOCKADDR || kind == ArgKind.POINTER;
    }

    /** True when the pointee is const: the caller hands data in ({@code write}'s buf) rather than receiving it. */
    public boolean isInput() {
        return type.startsWith("const ");
    }

    /**
     * The argument's value from the raw 64-bit register the tracepoint recorded: the upper bits of an
     * {@code int} argument are undefined in the calling convention (x86_64 passes it in a 32-bit register), so
     * the value is truncated to {@link #size} bytes and sign-extended when the type is signed ({@code int dfd}
     * of AT_FDCWD is -100, not 4294967196).
     */
    public long decode(long raw) {
        return switch (size) {
            case 1 -> signed ? (byte) raw : raw & 0xffL;
            case 2 -> signed ? (short) raw : raw & 0xffffL;
            case 4 -> signed ? (int) raw : raw & 0xffff_ffffL;
            default -> raw;
        };
    }
}
