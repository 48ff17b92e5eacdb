/** Boxscope's diagnose module; see DEVELOPERS.md for what lives here and what it may depend on. */
module io.boxscope.diagnose {
    requires io.boxscope.bench;
    requires io.boxscope.mem;
    requires io.boxscope.trace;
    requires io.boxscope.probe;
    requires io.boxscope.tools;
    requires io.boxscope.proc;
    requires io.boxscope.bpf;
}
