/**
 * Boxscope's diagnose module: "why is this container slow: CPU, memory or I/O?" — samples a
 * target's cgroup and threads, turns the figures into a verdict with its evidence, and renders the
 * HTML report, and exports the cgroup metrics to Prometheus (serve). It requires a module when its code uses one (ModuleGraphTest in cli).
 */
module io.boxscope.diagnose {
    requires io.boxscope.bpf;
    requires io.boxscope.probe;
    requires io.boxscope.tools;
    requires io.boxscope.mem;
    requires io.boxscope.proc;
    requires io.prometheus.metrics.model;
    requires io.prometheus.metrics.exporter.httpserver;
    exports io.boxscope.diagnose;
    exports io.boxscope.diagnose.report;
    exports io.boxscope.diagnose.serve;
}
