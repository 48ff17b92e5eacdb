/** Boxscope's mem module; see DEVELOPERS.md for what lives here and what it may depend on. */
module io.boxscope.mem {
    requires io.boxscope.proc;

    exports io.boxscope.mem.smaps;
    exports io.boxscope.mem;
    exports io.boxscope.mem.pmap;
    exports io.boxscope.mem.top;
    exports io.boxscope.mem.cgroup;
}
