/**
 * Boxscope's BCC-class tools (libbpf-tools' execsnoop, opensnoop, syscount, ...): each tool is a
 * probe-language script (a resource next to its classes) run through {@code io.boxscope.tools.core},
 * plus the tool's options and event records; cli renders them.
 */
module io.boxscope.tools {
    requires io.boxscope.probe;
    requires io.boxscope.proc;
    exports io.boxscope.tools.core;
    exports io.boxscope.tools.execsnoop;
    exports io.boxscope.tools.opensnoop;
    exports io.boxscope.tools.exitsnoop;
    exports io.boxscope.tools.tcpconnect;
    exports io.boxscope.tools.killsnoop;
    exports io.boxscope.tools.syscount;
}
