/**
 * Boxscope's BCC-class tools (libbpf-tools' execsnoop, opensnoop, exitsnoop, statsnoop, syscount,
 * biolatency, biosnoop, bitesize, runqlat, cachestat, tcplife, oomkill, filetop, profile, offcputime,
 * BCC's funccount, ...): each tool is a
 * probe-language script (a resource next to its classes) run through {@code io.boxscope.tools.core}
 * (per-event tools), {@code io.boxscope.tools.hist.IntervalRun} (interval tools) or
 * {@code io.boxscope.tools.stacks} (stack tools), plus the tool's options, records and their
 * libbpf-tools text; cli renders them. bpf: funccount asks bpf's feature probes whether kprobes
 * work and reads the syscall tracepoints' names from tracefs, statsnoop asks tracefs whether stat()
 * and lstat() have tracepoints, oomkill reads the page size.
 */
module io.boxscope.tools {
    requires io.boxscope.bpf;
    requires io.boxscope.probe;
    requires io.boxscope.proc;
    exports io.boxscope.tools.biolatency;
    exports io.boxscope.tools.biosnoop;
    exports io.boxscope.tools.bitesize;
    exports io.boxscope.tools.cachestat;
    exports io.boxscope.tools.core;
    exports io.boxscope.tools.cpudist;
    exports io.boxscope.tools.execsnoop;
    exports io.boxscope.tools.exitsnoop;
    exports io.boxscope.tools.funccount;
    exports io.boxscope.tools.hist;
    exports io.boxscope.tools.opensnoop;
    exports io.boxscope.tools.runqlat;
    exports io.boxscope.tools.tcpconnect;
    exports io.boxscope.tools.tcplife;
    exports io.boxscope.tools.killsnoop;
    exports io.boxscope.tools.statsnoop;
    exports io.boxscope.tools.oomkill;
    exports io.boxscope.tools.filetop;
    exports io.boxscope.tools.syscount;
    exports io.boxscope.tools.stacks;
    exports io.boxscope.tools.profile;
    exports io.boxscope.tools.offcputime;
    exports io.boxscope.tools.hardirqs;
    exports io.boxscope.tools.softirqs;
    exports io.boxscope.tools.runqlen;
    exports io.boxscope.tools.sched;
}
