/**
 * Boxscope's trace module: sysdig-class capture, filter language, chisels and capture files; see
 * DEVELOPERS.md. It requires a module when its code uses one (ModuleGraphTest in cli).
 */
module io.boxscope.trace {
    requires io.boxscope.bpf;
    requires io.boxscope.proc;

    exports io.boxscope.trace.chisel;
    exports io.boxscope.trace.filter;
    exports io.boxscope.trace.output;
    exports io.boxscope.trace.live;
    exports io.boxscope.trace.scap;
}
