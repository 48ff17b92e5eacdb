package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.sema.CheckOptions;
import org.junit.jupiter.api.Test;

/**
 * The stack trace maps hold bpftrace 0.17's 131,072 stacks (src/map.cpp: {@code max_entries = 128 << 10} whatever
 * BPFTRACE_MAP_KEYS_MAX says; a running bpftrace's maps under {@code bpftool map show}: "stack_trace name stack ...
 * value 1016B max_entries 131072 memlock 136315200B"); before, they held BPFTRACE_MAP_KEYS_MAX (4,096 by default), so
 * ids collided (-EEXIST, an empty stack) 32 times sooner. A larger BPFTRACE_MAP_KEYS_MAX raises them with it.
 */
class StackMapSizeTest {
    private static List<MapSpec> stackMaps(CheckOptions options) throws Exception {
        return Scripts.compile(new SourceText("stdin", "BEGIN { @[kstack] = count(); @u[ustack(3)] = count(); exit(); }"),
                Path.of("/sys"), options).spec().maps().stream().filter(m -> m.type() == MapType.STACK_TRACE).toList();
    }

    @Test
    void stackMapsHoldBpftracesStackCountWhateverTheMapKeys() throws Exception {
        for (int mapKeys : new int[] {1, CheckOptions.DEFAULT_MAP_KEYS, 100_000}) {
            List<MapSpec> maps = stackMaps(new CheckOptions(false, List.of(), CheckOptions.DEFAULT_STRLEN, mapKeys));
            assertEquals(List.of(3 * 8, 127 * 8), maps.stream().map(MapSpec::valueSize).sorted().toList(), "one map a frame limit");
            for (MapSpec m : maps) {
                assertEquals(131_072, m.maxEntries(), m + " with BPFTRACE_MAP_KEYS_MAX=" + mapKeys);
            }
        }
    }

    @Test
    void aLargerMapKeysOrAnExplicitCountSizesThem() throws Exception {
        for (MapSpec m : stackMaps(new CheckOptions(false, List.of(), CheckOptions.DEFAULT_STRLEN, 1 << 18))) {
            assertEquals(1 << 18, m.maxEntries(), m.toString());
        }
        for (MapSpec m : stackMaps(new CheckOptions(false, List.of()).withStackKeys(7))) {
            assertEquals(7, m.maxEntries(), m.toString());
        }
    }
}
