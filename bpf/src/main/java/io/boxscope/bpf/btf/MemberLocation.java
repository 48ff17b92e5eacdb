package io.boxscope.bpf.btf;

/**
 * Where a (possibly nested) member sits inside its outermost struct or union.
 *
 * @param path         the path asked for, e.g. {@code task_struct.pid}
 * @param containerId  type id of the outermost struct/union
 * @param typeId       type id of the member's own type (not resolved through typedefs)
 * @param bitOffset    offset in bits from the start of the container, anonymous members included
 * @param bitfieldSize bits of a bitfield member, 0 for an ordinary member
 */
public record MemberLocation(String path, int containerId, int typeId, long bitOffset, int bitfieldSize) {
    /** Byte offset of the member (of the byte holding its first bit, for a bitfield). */
    public long byteOffset() {
        return bitOffset / 8;
    }

    public boolean isBitfield() {
        return bitfieldSize != 0;
    }
}
