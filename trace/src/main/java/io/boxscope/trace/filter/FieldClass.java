package io.boxscope.trace.filter;

/**
 * The classes {@code -l} groups fields in, in sysdig's order, with the name and short description
 * sysdig prints on their "Field Class:" line. The longer descriptions are boxscope's words.
 */
public enum FieldClass {
    EVT_ALL("evt", "All event types", "Fields every event has, whatever its kind."),
    EVT_SYSCALL("evt", "Syscall events only", "Fields of system call events. Each event's own arguments "
            + "are reached by name or position: evt.arg.NAME, evt.arg[N], evt.rawarg.NAME."),
    PROCESS("process", "", "The process and thread that made the system call."),
    USER("user", "", "The user the event's thread runs as."),
    GROUP("group", "", "The group the event's thread runs as."),
    CONTAINER("container", "", "The container the event's thread runs in; 'host' for both id and name "
            + "when it runs in none."),
    FD("fd", "", "The file descriptor a system call works on, for every call that has one among its "
            + "arguments."),
    SYSLOG("syslog", "", "Content of syslog messages: what a write to an fd whose name contains /dev/log says, when it "
            + "starts with '<PRI>'. No value for any other event."),
    FDLIST("fdlist", "", "The file descriptors a poll or ppoll call waits on, from its fds argument.");

    private final String name;
    private final String shortDescription;
    private final String description;

    FieldClass(String name, String shortDescription, String description) {
        this.name = name;
        this.shortDescription = shortDescription;
        this.description = description;
    }

    public String className() {
        return name;
    }

    /** The part in parentheses after the class name, or "". */
    public String shortDescription() {
        return shortDescription;
    }

    public String description() {
        return description;
    }
}
