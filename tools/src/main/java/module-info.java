/**
 * Boxscope's BCC-class tools (libbpf-tools' execsnoop, opensnoop, profile, offcputime, syscount,
 * ...): each tool is a probe-language script (a resource next to its classes) run through
 * {@code io.boxscope.tools.core} (stack tools through {@code io.boxscope.tools.stacks}), plus the
 * tool's options and records; cli renders them. syscount still assembles its program with the bpf
 * module's assembler until it moves onto the language.
 */
module io.boxscope.tools {
    requires io.boxscope.bpf;
    requires io.boxscope.probe;
    requires io.boxscope.proc;
    exports io.boxscope.tools.core;
    exports io.boxscope.tools.execsnoop;
    exports io.boxscope.tools.syscount;
    exports io.boxscope.tools.stacks;
    exports io.boxscope.tools.profile;
    exports io.boxscope.tools.offcputime;
}
