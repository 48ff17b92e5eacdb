package io.boxscope.bpf.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A USDT probe site: one {@code NT_STAPSDT} note of a file's {@code .note.stapsdt} section, as
 * {@code <sys/sdt.h>} writes it (systemtap's "UserSpaceProbeImplementation" wiki page, and libbpf's usdt.c
 * which reads the same notes): three addresses (the probe's instruction, the link-time address of
 * {@code .stapsdt.base}, the semaphore or 0), then provider, name and argument spec as C strings.
 *
 * @param pc        the address of the probe's nop, already moved by prelink's shift ({@code .stapsdt.base}'s
 *                  real address minus {@code base}), as readelf's "Location" after adjustment
 * @param semaphore the address of the 16-bit semaphore the program's {@code PROVIDER_NAME_ENABLED()} reads (0: none)
 * @param args      the argument spec ({@code -4@%eax 8@-8(%rbp)}), empty for a probe without arguments
 */
public record UsdtNote(String provider, String name, long pc, long semaphore, String args) {
    /** The note type of stapsdt notes (sys/sdt.h: {@code _SDT_NOTE_TYPE}). */
    public static final int NT_STAPSDT = 3;

    /** {@code provider:name}, as bpftrace lists it after the path. */
    public String id() {
        return provider + ":" + name;
    }

    /** The parsed arguments (what {@code arg0..argN} read). */
    public List<UsdtArg> arguments() throws ElfException {
        return UsdtArg.parseAll(args);
    }

    /** Every USDT probe of {@code elf}, in note order; empty when it has none. */
    public static List<UsdtNote> of(ElfFile elf) throws ElfException {
        List<ElfNote> notes = elf.notes(".note.stapsdt");
        if (notes.isEmpty()) {
            return List.of();
        }
        Optional<ElfSection> base = elf.section(".stapsdt.base");
        List<UsdtNote> out = new ArrayList<>();
        for (ElfNote n : notes) {
            if (n.type() == NT_STAPSDT && n.name().equals("stapsdt")) {
                out.add(parse(elf.origin(), n.desc(), elf.byteOrder(), base.map(ElfSection::addr)));
            }
        }
        return List.copyOf(out);
    }

    /**
     * One note's descriptor; {@code baseSection} is where {@code .stapsdt.base} really is, which moves
     * {@code pc} when the file was prelinked after the note was written (its link-time address is in the note).
     * The three addresses are in the file's byte order ({@link ElfFile#byteOrder()}: big-endian on s390x).
     */
    static UsdtNote parse(String origin, byte[] desc, ByteOrder order, Optional<Long> baseSection) throws ElfException {
        if (desc.length < 24 + 3) {
            throw new ElfException(origin + ": stapsdt note of " + desc.length + " bytes is too short");
        }
        ByteBuffer b = ByteBuffer.wrap(desc).order(order);
        long pc = b.getLong(0);
        long base = b.getLong(8);
        long sem = b.getLong(16);
        List<String> strings = new ArrayList<>();
        int start = 24;
        for (int i = 24; i < desc.length && strings.size() < 3; i++) {
            if (desc[i] == 0) {
                strings.add(new String(desc, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (strings.size() < 2 || strings.get(0).isEmpty() || strings.get(1).isEmpty()) {
            throw new ElfException(origin + ": stapsdt note without provider and name strings");
        }
        if (baseSection.isPresent() && base != 0) {
            pc += baseSection.get() - base;
        }
        return new UsdtNote(strings.get(0), strings.get(1), pc, sem, strings.size() > 2 ? strings.get(2) : "");
    }
}
