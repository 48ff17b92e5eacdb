/** Boxscope's bench module; see DEVELOPERS.md for what lives here and what it may depend on. */
module io.boxscope.bench {
    requires io.boxscope.proc;
    exports io.boxscope.bench;
    exports io.boxscope.bench.engine;
    exports io.boxscope.bench.env;
    exports io.boxscope.bench.fileio;
    exports io.boxscope.bench.report;
    exports io.boxscope.bench.stats;
    exports io.boxscope.bench.sysbench;
    exports io.boxscope.bench.workload;
}
