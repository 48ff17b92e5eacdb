package io.boxscope.proc.container;

import java.util.List;

/** No container matches the name or id the user gave (or an id prefix matches several). */
public final class UnknownContainerException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> known;
    private final List<String> namesUnavailable;

    public UnknownContainerException(String message, List<String> known) {
        this(message, known, List.of());
    }

    /**
     * {@code namesUnavailable}: the scan's notices when container names could not all be had (a runtime socket this
     * user may not connect to, a daemon that did not answer), so that the message can say why a name may not match:
     * as nobody, {@code walk-mem} is known only by its id.
     */
    public UnknownContainerException(String message, List<String> known, List<String> namesUnavailable) {
        super(message);
        this.known = List.copyOf(known);
        this.namesUnavailable = List.copyOf(namesUnavailable);
    }

    /** Names (or short ids) of the containers that do exist. */
    public List<String> known() {
        return known;
    }

    /** Why some containers are known by id only (empty when every name was had). */
    public List<String> namesUnavailable() {
        return namesUnavailable;
    }
}
