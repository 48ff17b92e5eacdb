package io.boxscope.trace.scap;

/**
 * libscap's {@code scap_fd_type}, in numeric order, with the character sysdig prints before an fd's
 * name ({@code fd=3(<f>/etc/passwd)}; sinsp_fdinfo::get_typechar).
 */
public enum FdType {
    UNKNOWN('o'), FILE('f'), DIRECTORY('d'), IPV4_SOCK('4'), IPV6_SOCK('6'), IPV4_SERVSOCK('4'), IPV6_SERVSOCK('6'),
    FIFO('p'), UNIX_SOCK('u'), EVENT('e'), UNSUPPORTED('X'), SIGNALFD('s'), EVENTPOLL('l'), INOTIFY('i'),
    TIMERFD('t'), NETLINK('n'), FILE_V2('f');

    private final char typeChar;

    FdType(char typeChar) {
        this.typeChar = typeChar;
    }

    public char typeChar() {
        return typeChar;
    }

    /** The type numbered {@code n} in the file, or null when unknown. */
    public static FdType of(int n) {
        FdType[] all = values();
        return n >= 0 && n < all.length ? all[n] : null;
    }
}
