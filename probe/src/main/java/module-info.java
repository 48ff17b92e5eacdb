/** Boxscope's probe module; see DEVELOPERS.md for what lives here and what it may depend on. */
module io.boxscope.probe {
    requires io.boxscope.bpf;
    requires io.boxscope.proc;

    exports io.boxscope.probe.list;
    exports io.boxscope.probe.lang.ast;
    exports io.boxscope.probe.lang.diag;
    exports io.boxscope.probe.lang.parse;
    exports io.boxscope.probe.lang.sema;
    exports io.boxscope.probe.output;
    exports io.boxscope.probe.codegen;
    exports io.boxscope.probe.runtime;
}
