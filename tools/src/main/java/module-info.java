/**
 * Boxscope's BCC-class tools (libbpf-tools' syscount, profile, offcputime, ...): each tool's
 * in-kernel part and its result records. profile and offcputime are probe-language scripts shipped
 * as resources (run through the probe module's runtime); syscount still assembles its program with
 * the bpf module's assembler. ModuleGraphTest in cli checks each requires is used.
 */
module io.boxscope.tools {
    requires io.boxscope.bpf;
    requires io.boxscope.probe;
    requires io.boxscope.proc;
    exports io.boxscope.tools.syscount;
    exports io.boxscope.tools.stacks;
    exports io.boxscope.tools.profile;
    exports io.boxscope.tools.offcputime;
}
