package io.boxscope.tools.opensnoop;

import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.sys.Arch;

/**
 * The names of open(2) flags. Values from the kernel's include/uapi/asm-generic/fcntl.h; O_DIRECTORY,
 * O_NOFOLLOW, O_DIRECT and O_LARGEFILE differ on arm64 and powerpc and come from {@link Arch}, which
 * cites the headers.
 */
public final class OpenFlags {
    private record Flag(String name, int value) {}

    /** The flags of one architecture, and its O_DIRECTORY (part of O_TMPFILE). */
    private record Table(List<Flag> flags, int oDirectory) {
        static Table of(Arch arch) {
            return new Table(List.of(
                    new Flag("O_CREAT", 0100), new Flag("O_EXCL", 0200), new Flag("O_NOCTTY", 0400), new Flag("O_TRUNC", 01000),
                    new Flag("O_APPEND", 02000), new Flag("O_NONBLOCK", 04000), new Flag("O_DSYNC", 010000),
                    new Flag("O_ASYNC", 020000), new Flag("O_DIRECT", arch.oDirect()), new Flag("O_LARGEFILE", arch.oLargefile()),
                    new Flag("O_DIRECTORY", arch.oDirectory()), new Flag("O_NOFOLLOW", arch.oNofollow()),
                    new Flag("O_NOATIME", 01000000), new Flag("O_CLOEXEC", 02000000), new Flag("O_SYNC", 04000000),
                    new Flag("O_PATH", 010000000), new Flag("O_TMPFILE", 020000000)), arch.oDirectory());
        }
    }

    /**
     * The running architecture's table, made at first use rather than when the class loads: on an architecture
     * outside the six, {@link Arch#current} then refuses in its one line each time, where a static initializer
     * would throw ExceptionInInitializerError once and NoClassDefFoundError after. A race makes it twice, alike.
     */
    private static Table table;

    private static Table table() {
        Table t = table;
        if (t == null) {
            t = Table.of(Arch.current());
            table = t;
        }
        return t;
    }

    private OpenFlags() {}

    /** The value of one flag by name ({@code "O_CLOEXEC"}). */
    public static int bit(String name) {
        for (Flag f : table().flags()) {
            if (f.name().equals(name)) {
                return f.value();
            }
        }
        throw new IllegalArgumentException("no open flag " + name);
    }

    /** Whether open(2) reads its mode argument with these flags: O_CREAT, or O_TMPFILE (__O_TMPFILE | O_DIRECTORY). */
    public static boolean takesMode(int flags) {
        int tmpfile = 020000000 | table().oDirectory();
        return (flags & 0100) != 0 || (flags & tmpfile) == tmpfile;
    }

    /**
     * The flags by name: the access mode first (O_RDONLY, O_WRONLY, O_RDWR), then each flag set;
     * a bit without a name as its octal value. O_SYNC includes O_DSYNC's bit; O_TMPFILE O_DIRECTORY's.
     */
    public static List<String> names(int flags) {
        List<String> out = new ArrayList<>();
        out.add(switch (flags & 3) {
            case 0 -> "O_RDONLY";
            case 1 -> "O_WRONLY";
            case 2 -> "O_RDWR";
            default -> "O_ACCMODE";
        });
        int rest = flags & ~3;
        for (Flag f : table().flags()) {
            if ((rest & f.value()) != 0) {
                out.add(f.name());
                rest &= ~f.value();
            }
        }
        if (rest != 0) {
            out.add("0" + Integer.toOctalString(rest));
        }
        return out;
    }
}
