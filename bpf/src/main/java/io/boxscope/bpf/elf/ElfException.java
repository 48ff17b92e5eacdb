package io.boxscope.bpf.elf;

import java.io.IOException;

/** A file that is not a readable 64-bit ELF object (either byte order), or lacks a symbol that was asked for. */
public final class ElfException extends IOException {
    private static final long serialVersionUID = 1L;

    public ElfException(String message) {
        super(message);
    }

    public ElfException(String message, Throwable cause) {
        super(message, cause);
    }
}
