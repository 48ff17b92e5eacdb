package io.boxscope.bpf.elf;

/**
 * One symbol table entry (elf(5), Elf64_Sym), from {@code .symtab} or {@code .dynsym}.
 *
 * @param table          which table it came from
 * @param index          its index in that table (readelf's Num)
 * @param name           the name exactly as in the string table: for .dynsym without a version
 *                       ({@code malloc}); for .symtab possibly with one the linker wrote in
 *                       ({@code _IO_do_write@@GLIBC_2.2.5}). bpftrace lists these names as they are.
 * @param version        the .gnu.version name of a .dynsym entry ({@code GLIBC_2.2.5}), empty if none
 * @param defaultVersion true if the version is this file's default definition of the name (readelf prints
 *                       {@code name@@VER}); false for a hidden definition or a version needed from another
 *                       object ({@code name@VER})
 * @param sectionIndex   st_shndx: 0 = undefined (SHN_UNDEF), 0xfff1 = absolute, 0xfff2 = common
 */
public record ElfSymbol(Table table, int index, String name, String version, boolean defaultVersion, long value, long size,
                        Type type, Bind bind, int visibility, int sectionIndex) {
    public static final int SHN_UNDEF = 0;

    /** The symbol table a symbol came from. */
    public enum Table { SYMTAB, DYNSYM }

    /** ELF64_ST_TYPE, named as readelf prints them. */
    public enum Type {
        NOTYPE, OBJECT, FUNC, SECTION, FILE, COMMON, TLS, IFUNC, OTHER;

        static Type of(int v) {
            return switch (v) {
                case 0 -> NOTYPE;
                case 1 -> OBJECT;
                case 2 -> FUNC;
                case 3 -> SECTION;
                case 4 -> FILE;
                case 5 -> COMMON;
                case 6 -> TLS;
                case 10 -> IFUNC; // STT_GNU_IFUNC
                default -> OTHER;
            };
        }
    }

    /** ELF64_ST_BIND, named as readelf prints them. */
    public enum Bind {
        LOCAL, GLOBAL, WEAK, UNIQUE, OTHER;

        static Bind of(int v) {
            return switch (v) {
                case 0 -> LOCAL;
                case 1 -> GLOBAL;
                case 2 -> WEAK;
                case 10 -> UNIQUE; // STB_GNU_UNIQUE
                default -> OTHER;
            };
        }
    }

    public boolean isDefined() {
        return sectionIndex != SHN_UNDEF;
    }

    /** FUNC or IFUNC: code one can put a uprobe on. */
    public boolean isFunction() {
        return type == Type.FUNC || type == Type.IFUNC;
    }

    /**
     * The name as {@code readelf -Ws} and {@code nm -D} print it: {@code malloc@@GLIBC_2.2.5},
     * {@code memcpy@GLIBC_2.2.5}; a version's own definition symbol ({@code GLIBC_2.10}) stays bare.
     */
    public String displayName() {
        if (version.isEmpty() || version.equals(name)) {
            return name;
        }
        return name + (defaultVersion ? "@@" : "@") + version;
    }
}
