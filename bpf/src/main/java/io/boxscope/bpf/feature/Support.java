package io.boxscope.bpf.feature;

/** Whether the running kernel (and our privileges) allow a capability, and if not, why. */
public sealed interface Support {
    record Supported() implements Support {}

    record Unsupported(String reason) implements Support {}

    default boolean isSupported() {
        return this instanceof Supported;
    }
}
