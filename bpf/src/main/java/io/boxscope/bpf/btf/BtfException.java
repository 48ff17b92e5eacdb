package io.boxscope.bpf.btf;

import java.io.IOException;

/** BTF data that is missing, malformed, or lacks a type or member that was asked for. */
public final class BtfException extends IOException {
    private static final long serialVersionUID = 1L;

    public BtfException(String message) {
        super(message);
    }

    public BtfException(String message, Throwable cause) {
        super(message, cause);
    }
}
