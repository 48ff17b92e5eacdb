/**
 * Boxscope's BCC-class tools (libbpf-tools' syscount, ...): each tool's in-kernel part and its
 * event records. Written in the probe language where it can be; until that language runs, a tool
 * assembles its program with the bpf module's assembler, which probe re-exports.
 */
module io.boxscope.tools {
    requires io.boxscope.probe;
    requires io.boxscope.proc;
    exports io.boxscope.tools.syscount;
}
