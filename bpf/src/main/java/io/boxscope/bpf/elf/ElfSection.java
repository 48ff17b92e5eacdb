package io.boxscope.bpf.elf;

/**
 * One section header (elf(5), Elf64_Shdr), as {@code readelf -S} lists it.
 *
 * @param index  section header index (what a symbol's st_shndx refers to)
 * @param name   name from the section header string table ({@code .text}, {@code .dynsym})
 * @param type   sh_type (SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_NOBITS = 8, SHT_DYNSYM = 11, ...)
 */
public record ElfSection(int index, String name, int type, long flags, long addr, long offset, long size, int link,
                         int info, long entsize) {
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_NOTE = 7;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_DYNSYM = 11;
    public static final int SHT_GNU_VERDEF = 0x6ffffffd;
    public static final int SHT_GNU_VERNEED = 0x6ffffffe;
    public static final int SHT_GNU_VERSYM = 0x6fffffff;
}
