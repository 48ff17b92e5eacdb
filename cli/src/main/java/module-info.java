/** The boxscope command line: the only module that prints or exits. */
module io.boxscope.cli {
    requires io.boxscope.bench;
    requires io.boxscope.mem;
    requires io.boxscope.trace;
    requires io.boxscope.probe;
    requires io.boxscope.tools;
    requires io.boxscope.diagnose;
    requires io.boxscope.proc;
    requires io.boxscope.bpf;
    requires info.picocli;
    requires jdk.unsupported; // sun.misc.Signal, see StopSignals
}
