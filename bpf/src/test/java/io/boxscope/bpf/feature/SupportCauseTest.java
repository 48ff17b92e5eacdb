package io.boxscope.bpf.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A refusal's cause for the user's probe leaves out the feature probe's own function (do_sys_openat2). */
class SupportCauseTest {
    @Test
    void causeLeavesOutTheFeatureProbesFunction() {
        assertEquals("ENODEV (No such device) — no kprobe PMU",
                new Support.Unsupported("attach kprobe do_sys_openat2: ENODEV (No such device) — no kprobe PMU").cause());
        assertEquals("load tracing program probe_fentry: EPERM", new Support.Unsupported("load tracing program probe_fentry: EPERM").cause(),
                "other reasons as they are");
    }
}
