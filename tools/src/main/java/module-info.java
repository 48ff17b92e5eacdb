/**
 * Boxscope's BCC-class tools (libbpf-tools' syscount, biolatency, runqlat, biosnoop, cachestat, BCC's
 * funccount, ...): each tool's probe-language script (a resource next to its classes), its options,
 * its result records and their libbpf-tools text. syscount still assembles its program with the bpf
 * module's assembler.
 */
module io.boxscope.tools {
    requires io.boxscope.bpf;
    requires io.boxscope.probe;
    requires io.boxscope.proc;
    exports io.boxscope.tools.biolatency;
    exports io.boxscope.tools.biosnoop;
    exports io.boxscope.tools.cachestat;
    exports io.boxscope.tools.funccount;
    exports io.boxscope.tools.hist;
    exports io.boxscope.tools.runqlat;
    exports io.boxscope.tools.syscount;
}
