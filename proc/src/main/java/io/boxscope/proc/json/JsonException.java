package io.boxscope.proc.json;

/** Malformed JSON, or JSON of an unexpected shape. */
public final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JsonException(String message) {
        super(message);
    }
}
