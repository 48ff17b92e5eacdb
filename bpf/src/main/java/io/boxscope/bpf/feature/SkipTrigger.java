package io.boxscope.bpf.feature;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.sys.Fd;
import io.boxscope.bpf.sys.Sys;

/**
 * Makes the kernel skip tracepoint programs on {@code kmem:kmalloc}, deterministically. bpf(2)
 * BPF_MAP_UPDATE_ELEM holds bpf_prog_active while it updates (kernel/bpf/syscall.c bpf_map_update_value,
 * bpf_disable_instrumentation), and putting a perf event into a PERF_EVENT_ARRAY allocates its entry there
 * (kernel/bpf/arraymap.c bpf_event_entry_gen: kzalloc). That kmalloc fires kmem:kmalloc, whose BPF
 * programs trace_call_bpf then skips, counting one recursion miss each (kernel/trace/bpf_trace.c).
 * The tests of every front end use it to check that skipped runs are reported
 * ({@link io.boxscope.bpf.prog.ProgramInfo#recursionMisses}). Every program on kmem:kmalloc at the time, of any
 * process, misses those n allocations (and counts them as skipped): tests only, never a command's path.
 */
public final class SkipTrigger {
    private SkipTrigger() {}

    /** {@code n} map updates from this thread, each skipping every tracepoint program on kmem:kmalloc once. */
    public static void provokeKmallocSkips(int n) {
        try (Arena a = Arena.ofConfined();
                BpfMap array = BpfMap.create(MapSpec.of("skip_trigger", MapType.PERF_EVENT_ARRAY, 4, 4, 1));
                Fd event = bpfOutputEvent(a)) {
            byte[] fd = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(event.value()).array();
            for (int i = 0; i < n; i++) {
                array.update(new byte[4], fd, BpfMap.ANY);
            }
        }
    }

    /** perf_event_open of a PERF_COUNT_SW_BPF_OUTPUT event of this thread (any CPU), as perf buffers use. */
    private static Fd bpfOutputEvent(Arena a) {
        MemorySegment attr = a.allocate(112, 8);
        attr.set(ValueLayout.JAVA_INT, 0, 1);          // PERF_TYPE_SOFTWARE
        attr.set(ValueLayout.JAVA_INT, 4, 112);        // size
        attr.set(ValueLayout.JAVA_LONG, 8, 10);        // PERF_COUNT_SW_BPF_OUTPUT
        attr.set(ValueLayout.JAVA_LONG, 16, 1);        // sample_period
        attr.set(ValueLayout.JAVA_LONG, 24, 1L << 10); // PERF_SAMPLE_RAW
        Sys.Result r = Sys.perfEventOpen(attr, 0, -1, -1, 8 /* PERF_FLAG_FD_CLOEXEC */);
        if (r.failed()) {
            throw BpfException.of("open a bpf-output perf event", r.errno());
        }
        return new Fd((int) r.value());
    }
}
