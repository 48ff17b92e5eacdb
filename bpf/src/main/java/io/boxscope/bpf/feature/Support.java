package io.boxscope.bpf.feature;

/** Whether the running kernel (and our privileges) allow a capability, and if not, why. */
public sealed interface Support {
    record Supported() implements Support {}

    record Unsupported(String reason) implements Support {
        /**
         * The reason without the feature probe's own attachment ({@code attach kprobe do_sys_openat2: }, the function
         * {@link Features#attach} tries): for a message about the user's probe, which names the user's function. A
         * function the user never wrote misleads (the walk of session 32: {@code kprobe:vfs_read} was told about
         * do_sys_openat2).
         */
        public String cause() {
            return reason.replaceFirst("^attach kprobe \\S+: ", "");
        }
    }

    default boolean isSupported() {
        return this instanceof Supported;
    }
}
