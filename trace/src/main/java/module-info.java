/** Boxscope's trace module; see DEVELOPERS.md for what lives here and what it may depend on. */
module io.boxscope.trace {
    requires io.boxscope.bpf;
    requires io.boxscope.proc;

    exports io.boxscope.trace.scap;
}
