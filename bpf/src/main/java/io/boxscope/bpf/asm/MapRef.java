package io.boxscope.bpf.asm;

import java.util.Objects;

/**
 * A symbolic reference to a map from a 64-bit immediate load: the first slot at {@code insn} gets the
 * map's descriptor when the program is loaded (as libbpf's relocations do for {@code .maps} references).
 *
 * @param insn   index of the first slot of the two-slot load
 * @param map    the map's name in its collection
 * @param value  false: a pointer to the map ({@code BPF_PSEUDO_MAP_FD}); true: the address of its value plus
 *               {@code offset} ({@code BPF_PSEUDO_MAP_VALUE}, single-element arrays)
 * @param offset byte offset into the value when {@code value}
 */
public record MapRef(int insn, String map, boolean value, int offset) {
    public MapRef {
        Objects.requireNonNull(map, "map");
        if (insn < 0) {
            throw new IllegalArgumentException("instruction index " + insn + " is negative");
        }
        if (map.isEmpty()) {
            throw new IllegalArgumentException("empty map name");
        }
    }
}
