/** Boxscope's bpf module: pure-Java eBPF (FFM system calls, assembler, maps, programs, links, ring buffers). */
module io.boxscope.bpf {
    exports io.boxscope.bpf.tracefs;
    exports io.boxscope.bpf.btf;
    exports io.boxscope.bpf.elf;
    exports io.boxscope.bpf;
    exports io.boxscope.bpf.asm;
    exports io.boxscope.bpf.map;
    exports io.boxscope.bpf.prog;
    exports io.boxscope.bpf.link;
    exports io.boxscope.bpf.ringbuf;
    exports io.boxscope.bpf.feature;
    exports io.boxscope.bpf.syscalls;
    exports io.boxscope.bpf.sys;
    exports io.boxscope.bpf.collection;
    exports io.boxscope.bpf.symbols;
    exports io.boxscope.bpf.vfs;
}
