/**
 * Parsers and readers for /proc and /sys/fs/cgroup (v1 and v2), and container discovery.
 * Depends on nothing: every other module but bpf builds on it.
 */
module io.boxscope.proc {
    exports io.boxscope.proc;
    exports io.boxscope.proc.cgroup;
    exports io.boxscope.proc.container;
    exports io.boxscope.proc.json;
    exports io.boxscope.proc.tasks;
}
