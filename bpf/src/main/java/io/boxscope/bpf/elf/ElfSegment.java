package io.boxscope.bpf.elf;

/**
 * One program header (elf(5), Elf64_Phdr), as {@code readelf -l} lists it.
 *
 * @param type  p_type (PT_LOAD = 1, PT_DYNAMIC = 2, PT_NOTE = 4, ...)
 * @param flags p_flags (PF_X = 1, PF_W = 2, PF_R = 4)
 */
public record ElfSegment(int type, int flags, long offset, long vaddr, long paddr, long filesz, long memsz, long align) {
    public static final int PT_LOAD = 1;
    public static final int PF_X = 1;

    public boolean isLoad() {
        return type == PT_LOAD;
    }

    public boolean isExecutable() {
        return (flags & PF_X) != 0;
    }

    /** True if the virtual address lies in this segment's memory image. */
    public boolean containsVaddr(long addr) {
        return Long.compareUnsigned(addr, vaddr) >= 0 && Long.compareUnsigned(addr - vaddr, memsz) < 0;
    }
}
