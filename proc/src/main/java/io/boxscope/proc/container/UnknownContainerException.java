package io.boxscope.proc.container;

import java.util.List;

/** No container matches the name or id the user gave (or an id prefix matches several). */
public final class UnknownContainerException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> known;

    public UnknownContainerException(String message, List<String> known) {
        super(message);
        this.known = List.copyOf(known);
    }

    /** Names (or short ids) of the containers that do exist. */
    public List<String> known() {
        return known;
    }
}
