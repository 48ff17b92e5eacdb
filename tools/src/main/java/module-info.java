/**
 * Boxscope's BCC-class tools (libbpf-tools' syscount, ...): each tool's in-kernel part and its
 * event records. Meant to be written in the probe language; until that language runs, a tool
 * assembles its program with the bpf module's assembler, so today it requires bpf, and probe and
 * proc only once it uses them (ModuleGraphTest in cli checks each requires is used).
 */
module io.boxscope.tools {
    requires io.boxscope.bpf;
    exports io.boxscope.tools.hist;
    exports io.boxscope.tools.syscount;
}
