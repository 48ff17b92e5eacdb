/**
 * Boxscope's diagnose module: "why is this container slow: CPU, memory or I/O?" — samples a
 * target's cgroup and threads, and turns the figures into a verdict with its evidence.
 */
module io.boxscope.diagnose {
    requires io.boxscope.mem;
    requires io.boxscope.proc;
    exports io.boxscope.diagnose;
    exports io.boxscope.diagnose.report;
}
