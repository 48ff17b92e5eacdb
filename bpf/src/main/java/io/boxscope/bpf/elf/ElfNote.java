package io.boxscope.bpf.elf;

/**
 * One ELF note (elf(5), "Notes (Nhdr)"): the owner's name ({@code GNU}, {@code stapsdt}), the note type and
 * its descriptor bytes (a copy).
 */
public record ElfNote(String name, int type, byte[] desc) {
    public ElfNote {
        desc = desc.clone();
    }

    @Override
    public byte[] desc() {
        return desc.clone();
    }
}
