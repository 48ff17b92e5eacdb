package io.boxscope.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.feature.AttachKind;
import io.boxscope.bpf.feature.Features;
import io.boxscope.bpf.feature.Support;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * Probes against the machine's kernel. What this machine can do is documented in the developers' guide:
 * tracepoints, raw tracepoints, tp_btf, uprobes, perf software events and ring buffers work
 * (the project's reference machines); kprobes are checked against the kernel's own PMU list.
 */
@KernelTest
class FeaturesTest {
    @Test
    void whatThisKernelSupports() {
        for (ProgramType t : ProgramType.values()) {
            assertTrue(Features.programType(t).isSupported(), t + ": " + Features.programType(t));
        }
        for (MapType t : MapType.values()) {
            assertTrue(Features.mapType(t).isSupported(), t + ": " + Features.mapType(t));
        }
        for (AttachKind k : new AttachKind[] {AttachKind.TRACEPOINT, AttachKind.RAW_TRACEPOINT, AttachKind.TP_BTF,
                AttachKind.PERF_EVENT_SOFTWARE, AttachKind.UPROBE}) {
            assertTrue(Features.attach(k).isSupported(), k + ": " + Features.attach(k));
        }
        assertTrue(Features.helper(ProgramType.TRACEPOINT, Helper.RINGBUF_RESERVE).isSupported());
        assertTrue(Features.helper(ProgramType.TRACEPOINT, Helper.GET_CURRENT_CGROUP_ID).isSupported());
    }

    /**
     * From a cold cache every helper probe first probes its program type: that nested probe used to run
     * inside ConcurrentHashMap.computeIfAbsent and threw "Recursive update" whenever the two keys shared a
     * bin. Emptying the cache before each helper makes every call a cold one (211 of them: with the old
     * code some always collided).
     */
    @Test
    void everyHelperProbeWorksFromAColdCache() {
        int supported = 0;
        for (Helper h : Helper.values()) {
            Features.reset();
            if (Features.helper(ProgramType.TRACEPOINT, h).isSupported()) {
                supported++;
            }
        }
        Features.reset();
        assertTrue(Features.helper(ProgramType.RAW_TRACEPOINT, Helper.GET_CURRENT_PID_TGID).isSupported());
        assertTrue(supported > 50, supported + " helpers for tracepoint programs");
    }

    @Test
    void unsupportedAnswersSayWhy() {
        Support s = Features.helper(ProgramType.TRACEPOINT, Helper.SKB_STORE_BYTES);
        Support.Unsupported u = assertInstanceOf(Support.Unsupported.class, s);
        assertTrue(u.reason().contains("skb_store_bytes"), u.reason());
        assertSame(s, Features.helper(ProgramType.TRACEPOINT, Helper.SKB_STORE_BYTES), "answers are cached");
    }

    /**
     * kprobes are attached through the kernel's "kprobe" perf PMU; whether the kernel has it is an
     * independent answer to compare with (this machine's kernel is built without kprobes).
     */
    @Test
    void kprobeAnswerAgreesWithTheKernelsPmuList() {
        Support k = Features.attach(AttachKind.KPROBE);
        if (Files.isDirectory(Path.of("/sys/bus/event_source/devices/kprobe"))) {
            assertTrue(k.isSupported(), k.toString());
        } else {
            Support.Unsupported u = assertInstanceOf(Support.Unsupported.class, k);
            assertTrue(u.reason().contains("kprobe"), u.reason());
        }
        assertEquals(Features.attach(AttachKind.KPROBE), k, "answers are cached");
    }
}
