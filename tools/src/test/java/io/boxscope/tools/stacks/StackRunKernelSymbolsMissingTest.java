package io.boxscope.tools.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import io.boxscope.probe.output.KernelSymbolsMissing;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.MapKind;
import io.boxscope.probe.output.MapValue;
import io.boxscope.probe.output.StackMode;
import io.boxscope.probe.output.Value;
import org.junit.jupiter.api.Test;

/**
 * A run's count of kernel addresses left unnamed is of the stacks a tool shows, each address once: not of the maps it
 * does not show (offcputime's {@code @kst}, stacks of threads still off a CPU at detach), not of entries it skips
 * (a sum of 0), and not once per lookup. Fixture by hand: {@code @offcpu} holds three stacks,
 * [A, B, schedule] worth 100, [A, D] worth 50 and [E] worth 0 (skipped); {@code @kst} holds [F, A]; the runtime
 * left A, B, D, E and F unnamed. Shown and unnamed: A, B, D, so 3.
 */
class StackRunKernelSymbolsMissingTest {
    static final long A = 0xffffffff81000a00L, B = 0xffffffff81000b00L, C = 0xffffffff81000c00L, D = 0xffffffff81000d00L,
            E = 0xffffffff81000e00L, F = 0xffffffff81000f00L;

    static Value.Stack kstack(long id, long... ips) {
        return new Value.Stack(StackMode.BPFTRACE, java.util.Arrays.stream(ips)
                .mapToObj(ip -> new Value.Frame(ip, ip == C ? "schedule+4" : "0x" + Long.toHexString(ip))).toList(), id);
    }

    static MapDump.Entry offcpu(long tid, Value.Stack k, long us) {
        return new MapDump.Entry(List.of(new Value.Int(tid, 32, false), new Value.Str("w"), kstack(100 + tid), k),
                new MapValue.Sum(us, false));
    }

    static StackRun.Result result(Set<Long> unresolved, Optional<String> reason) {
        MapDump shown = new MapDump("@offcpu", MapKind.SUM, true, null, List.of(
                offcpu(1, kstack(1, A, B, C), 100), offcpu(2, kstack(2, A, D), 50), offcpu(3, kstack(3, E), 0)));
        MapDump kst = new MapDump("@kst", MapKind.VALUE, true, null, List.of(
                new MapDump.Entry(List.of(new Value.Int(4, 32, false)), new MapValue.Plain(kstack(4, F, A)))));
        return new StackRun.Result(List.of(kst, shown), Duration.ofSeconds(1), 0, 0, List.of(), unresolved, reason, java.util.Optional.empty());
    }

    @Test
    void countsTheDistinctUnnamedAddressesOfTheShownMapOnly() {
        StackRun.Result r = result(Set.of(A, B, D, E, F), Optional.of("kernel symbols could not be read: x"));
        assertEquals(Optional.of(new KernelSymbolsMissing(3, "kernel symbols could not be read: x")), r.kernelSymbolsMissing("@offcpu", 3));
        assertEquals("3 distinct kernel addresses in the stacks shown as [unknown]: kernel symbols could not be read: x",
                r.kernelSymbolsMissing("@offcpu", 3).orElseThrow().sentence(KernelSymbolsMissing.Shown.UNKNOWN));
        assertEquals(Optional.empty(), r.kernelSymbolsMissing("@offcpu", -1), "no kernel stack in the key (profile -U)");
    }

    @Test
    void nothingWhenOnlyUnshownAddressesWereUnnamed() {
        assertEquals(Optional.empty(), result(Set.of(E, F), Optional.of("why")).kernelSymbolsMissing("@offcpu", 3));
        assertEquals(Optional.empty(), result(Set.of(), Optional.empty()).kernelSymbolsMissing("@offcpu", 3));
    }
}
