package io.boxscope.bpf.syscalls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import io.boxscope.bpf.tracefs.EventField;
import io.boxscope.bpf.tracefs.EventFormat;
import io.boxscope.bpf.tracefs.TracefsException;

/**
 * Turns a parsed {@code events/syscalls/sys_enter_NAME/format} file into the syscall's arguments. Pure:
 * no file access. The kernel generates these formats from the {@code SYSCALL_DEFINEn} declarations
 * (include/linux/syscalls.h, kernel/trace/trace_syscalls.c): after the common header comes
 * {@code int __syscall_nr} and then one 8-byte field per argument with its C type and name. Kinds are
 * classified from the type and name (the kernel does not say which {@code int} is a descriptor);
 * the rules are the ones below, checked against every format file of the running kernel by the tests.
 */
public final class SyscallSignatureParser {
    /** The {@code sys_enter_} prefix of the syscall tracepoints' names. */
    public static final String PREFIX = "sys_enter_";

    /** Sizes of the scalar types that occur in syscall formats (LP64: alike on every 64-bit Arch). */
    private static final Map<String, Integer> SCALAR_SIZES = Map.ofEntries(
            Map.entry("char", 1), Map.entry("unsigned char", 1), Map.entry("u8", 1), Map.entry("__u8", 1),
            Map.entry("short", 2), Map.entry("unsigned short", 2), Map.entry("umode_t", 2), Map.entry("u16", 2),
            Map.entry("__u16", 2),
            Map.entry("int", 4), Map.entry("unsigned int", 4), Map.entry("unsigned", 4), Map.entry("u32", 4),
            Map.entry("__u32", 4), Map.entry("__s32", 4), Map.entry("s32", 4), Map.entry("pid_t", 4),
            Map.entry("uid_t", 4), Map.entry("gid_t", 4), Map.entry("old_uid_t", 4), Map.entry("old_gid_t", 4),
            Map.entry("qid_t", 4), Map.entry("clockid_t", 4), Map.entry("timer_t", 4), Map.entry("mqd_t", 4),
            Map.entry("key_t", 4), Map.entry("key_serial_t", 4), Map.entry("rwf_t", 4),
            Map.entry("long", 8), Map.entry("unsigned long", 8), Map.entry("long long", 8),
            Map.entry("unsigned long long", 8), Map.entry("size_t", 8), Map.entry("ssize_t", 8), Map.entry("off_t", 8),
            Map.entry("loff_t", 8), Map.entry("u64", 8), Map.entry("__u64", 8), Map.entry("s64", 8),
            Map.entry("aio_context_t", 8), Map.entry("__kernel_old_time_t", 8),
            // typedefs of pointers (include/uapi/linux/capability.h)
            Map.entry("cap_user_header_t", 8), Map.entry("cap_user_data_t", 8));
    private static final Set<String> UNSIGNED = Set.of("unsigned char", "u8", "__u8", "unsigned short", "umode_t", "u16",
            "__u16", "unsigned int", "unsigned", "u32", "__u32", "uid_t", "gid_t", "old_uid_t", "old_gid_t", "qid_t",
            "unsigned long", "unsigned long long", "size_t", "u64", "__u64", "aio_context_t");
    private static final Set<String> POINTER_TYPEDEFS = Set.of("cap_user_header_t", "cap_user_data_t");
    private static final Set<String> PATH_NAMES = Set.of("filename", "pathname", "path", "oldname", "newname",
            "oldpath", "newpath", "specialfile", "library", "dev_name", "dir_name", "old_name", "new_name", "target",
            "new_root", "put_old", "special");
    private static final Set<String> LENGTH_NAMES = Set.of("count", "len", "size", "bufsiz", "nbytes", "length",
            "buflen", "buf_len", "usize", "nr_bytes", "bufsize");
    private static final Set<String> FD_NAMES = Set.of("fd", "dfd", "olddfd", "newdfd", "oldfd", "newfd", "epfd",
            "fd_in", "fd_out", "in_fd", "out_fd", "ufd", "pidfd", "fildes", "mqdes", "from_dfd", "to_dfd", "tfd",
            "mnt_fd", "ruleset_fd", "dirfd", "fd1", "fd2");

    private SyscallSignatureParser() {}

    /** The syscall's tracepoint name without the prefix: {@code sys_enter_read} → {@code read}. */
    public static String eventName(EventFormat enter) throws TracefsException {
        if (!enter.name().startsWith(PREFIX) || enter.name().length() == PREFIX.length()) {
            throw new TracefsException("'" + enter.name() + "' is not a syscall entry tracepoint (no " + PREFIX + " prefix)");
        }
        return enter.name().substring(PREFIX.length());
    }

    /**
     * The arguments of a {@code sys_enter_*} format: the fields after {@code __syscall_nr}. Throws when the
     * format lacks {@code __syscall_nr} or has more than six arguments (not a syscall entry format).
     */
    public static List<SyscallArg> parse(EventFormat enter) throws TracefsException {
        List<EventField> fields = enter.argFields();
        if (fields.isEmpty() || !fields.get(0).name().equals("__syscall_nr")) {
            throw new TracefsException(enter.name() + ": no __syscall_nr field after the common header: not a syscall"
                    + " entry format");
        }
        List<EventField> args = fields.subList(1, fields.size());
        if (args.size() > 6) {
            throw new TracefsException(enter.name() + ": " + args.size() + " arguments; system calls have at most 6");
        }
        List<SyscallArg> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            EventField f = args.get(i);
            String type = f.type().strip();
            String base = baseType(type);
            boolean pointer = type.contains("*") || POINTER_TYPEDEFS.contains(base);
            int size = pointer ? 8 : SCALAR_SIZES.getOrDefault(base, base.startsWith("enum ") ? 4 : f.size());
            if (size != 1 && size != 2 && size != 4 && size != 8) {
                size = 8;
            }
            boolean signed = !pointer && !UNSIGNED.contains(base);
            ArgKind kind = classify(f.name(), type, base, pointer, args, i);
            int length = kind == ArgKind.BUFFER || kind == ArgKind.SOCKADDR ? lengthIndex(args, i, kind) : -1;
            out.add(new SyscallArg(i, f.name(), type, size, signed, kind, length));
        }
        return out;
    }

    /** The type without qualifiers and pointer stars: {@code const struct iovec *} → {@code struct iovec}. */
    static String baseType(String type) {
        String t = type.replace("*", " ").replace("__user", " ").strip();
        List<String> words = new ArrayList<>();
        for (String w : t.split("\\s+")) {
            if (!w.isEmpty() && !w.equals("const") && !w.equals("volatile")) {
                words.add(w);
            }
        }
        return String.join(" ", words);
    }

    private static ArgKind classify(String name, String type, String base, boolean pointer, List<EventField> args, int i) {
        String n = name.toLowerCase(Locale.ROOT);
        int stars = (int) type.chars().filter(c -> c == '*').count();
        if (pointer) {
            if (base.equals("struct sockaddr") && stars == 1) {
                return ArgKind.SOCKADDR;
            }
            boolean bytes = stars == 1 && (base.equals("char") || base.equals("void") || base.equals("unsigned char"));
            if (bytes && lengthIndex(args, i, ArgKind.BUFFER) >= 0) {
                return ArgKind.BUFFER;
            }
            if (stars == 1 && base.equals("char") && type.startsWith("const")) {
                return PATH_NAMES.contains(n) ? ArgKind.PATH : ArgKind.STRING;
            }
            return ArgKind.POINTER;
        }
        if (base.equals("mqd_t") || FD_NAMES.contains(n)) {
            return ArgKind.FD;
        }
        if (base.equals("umode_t")) {
            return ArgKind.MODE;
        }
        if (n.equals("flags") || n.endsWith("_flags") || n.equals("flag") || n.equals("oflag") || n.endsWith("flags")) {
            return ArgKind.FLAGS;
        }
        if (base.equals("pid_t") || n.equals("pid") || n.equals("tgid") || n.equals("tid") || n.equals("upid")) {
            return ArgKind.PID;
        }
        if (base.equals("uid_t") || base.equals("old_uid_t")) {
            return ArgKind.UID;
        }
        if (base.equals("gid_t") || base.equals("old_gid_t")) {
            return ArgKind.GID;
        }
        if (n.equals("sig") || n.equals("signum")) {
            return ArgKind.SIGNAL;
        }
        return ArgKind.INTEGER;
    }

    /**
     * The argument that holds the length of the buffer or socket address at {@code i}: the next argument,
     * when its name says length ({@code count}, {@code len}, {@code addrlen}, {@code upeer_addrlen}...).
     */
    private static int lengthIndex(List<EventField> args, int i, ArgKind kind) {
        if (i + 1 >= args.size()) {
            return -1;
        }
        String n = args.get(i + 1).name().toLowerCase(Locale.ROOT);
        boolean lengthy = kind == ArgKind.SOCKADDR ? n.endsWith("len")
                : LENGTH_NAMES.contains(n) || n.endsWith("_len") || n.endsWith("size");
        return lengthy ? i + 1 : -1;
    }
}
