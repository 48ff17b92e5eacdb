package io.boxscope.proc.container;

import java.util.List;

/**
 * No container matches the name or id the user gave, an id prefix matches several, or the one that matches is not
 * running. {@link #reason()} says which, so that the caller picks the exit code from it and never from the text.
 */
public final class UnknownContainerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the query named no running container. */
    public enum Reason {
        /** Nothing has that name, id or id prefix. */
        NO_MATCH,
        /** An id prefix that several containers share: {@code docker} refuses it too ("multiple IDs found"). */
        AMBIGUOUS,
        /** It exists, created, stopped or exited. */
        NOT_RUNNING
    }

    private final Reason reason;
    private final List<String> known;
    private final List<String> namesUnavailable;
    private final boolean namesRefused;

    public UnknownContainerException(String message, List<String> known) {
        this(Reason.NO_MATCH, message, known, List.of(), false);
    }

    /**
     * {@code namesUnavailable}: the scan's notices when container names could not all be had (a runtime socket this
     * user may not connect to, a daemon that did not answer), so that the message can say why a name may not match:
     * as nobody, {@code walk-mem} is known only by its id. {@code namesRefused}: among them, a runtime socket refused
     * this user (its notice comes first): a missing privilege, not a missing container.
     */
    public UnknownContainerException(Reason reason, String message, List<String> known, List<String> namesUnavailable,
            boolean namesRefused) {
        super(message);
        this.reason = reason;
        this.known = List.copyOf(known);
        this.namesUnavailable = List.copyOf(namesUnavailable);
        this.namesRefused = namesRefused;
    }

    public Reason reason() {
        return reason;
    }

    /** Names (or short ids) of the containers that do exist. */
    public List<String> known() {
        return known;
    }

    /** Why some containers are known by id only (empty when every name was had); a refusal first. */
    public List<String> namesUnavailable() {
        return namesUnavailable;
    }

    /** The name may be one that a runtime socket refused to tell this user (see {@link RuntimeApis.Lookup#refused()}). */
    public boolean namesRefused() {
        return namesRefused;
    }
}
