/** Boxscope's bpf module; see DEVELOPERS.md for what lives here and what it may depend on. */
module io.boxscope.bpf {
    exports io.boxscope.bpf.tracefs;
    exports io.boxscope.bpf.btf;
    exports io.boxscope.bpf.elf;
}
