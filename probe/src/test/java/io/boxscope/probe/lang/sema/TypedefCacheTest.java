package io.boxscope.probe.lang.sema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.feature.BootCache;
import io.boxscope.bpf.tracefs.EventFormat;
import io.boxscope.bpf.tracefs.Tracefs;
import io.boxscope.bpf.tracefs.TracepointId;
import io.boxscope.probe.lang.diag.SourceText;
import io.boxscope.probe.lang.parse.ProgramParser;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-boot typedef cache against this kernel: every syscall tracepoint's {@code args} record typed with a
 * cold cache, then a warm one, equals the record typed straight from BTF without any cache; and the tools'
 * tracepoints (execsnoop, opensnoop) need no BTF once the cache is warm.
 */
@KernelTest
class TypedefCacheTest {
    @TempDir
    Path tmp;

    static final List<TracepointId> TOOLS = List.of(new TracepointId("syscalls", "sys_enter_execve"),
            new TracepointId("syscalls", "sys_exit_execve"), new TracepointId("syscalls", "sys_enter_openat"),
            new TracepointId("syscalls", "sys_exit_openat"), new TracepointId("syscalls", "sys_enter_open"),
            new TracepointId("task", "task_newtask"), new TracepointId("sched", "sched_process_exec"),
            new TracepointId("sched", "sched_process_fork"), new TracepointId("sched", "sched_switch"));

    private static Map<TracepointId, SType.Record> types(Tracefs tracefs, List<TracepointId> tps, Supplier<Btf> btf,
            BootCache cache) throws Exception {
        TypeFactory f = new TypeFactory(btf, List.of(), cache);
        Map<TracepointId, SType.Record> out = new TreeMap<>(java.util.Comparator.comparing(TracepointId::toString));
        for (TracepointId tp : tps) {
            if (tracefs.exists(tp)) {
                EventFormat fmt = tracefs.format(tp);
                out.put(tp, f.tracepointArgs(tp.system(), tp.event(), fmt));
            }
        }
        return out;
    }

    @Test
    void coldAndWarmCacheTypeEveryFormatAsBtfDoes() throws Exception {
        Tracefs tracefs = Tracefs.locate(Path.of("/sys"));
        Btf btf = Btf.read(Path.of("/sys/kernel/btf/vmlinux"));
        List<TracepointId> all = new ArrayList<>(TOOLS);
        all.addAll(tracefs.systemEvents("syscalls"));
        Map<TracepointId, SType.Record> reference = types(tracefs, all, () -> btf, null);
        assertTrue(reference.size() > 100, reference.size() + " formats");

        Path dir = tmp.resolve("run");
        Files.createDirectory(dir);
        Map<TracepointId, SType.Record> cold = types(tracefs, all, () -> btf,
                BootCache.in(dir, "typedefs", BootCache.Scope.KERNEL));
        assertEquals(reference, cold);
        String file = Files.readString(dir.resolve("typedefs"));
        assertTrue(file.contains("\ntypedef:pid_t\tint 4 1\n"), file);

        AtomicInteger asked = new AtomicInteger();
        Supplier<Btf> counted = () -> {
            asked.incrementAndGet();
            return btf;
        };
        Map<TracepointId, SType.Record> warmTools = types(tracefs, TOOLS, counted,
                BootCache.in(dir, "typedefs", BootCache.Scope.KERNEL));
        assertEquals(0, asked.get(), "the tools' tracepoints read BTF on a warm cache");
        for (var e : warmTools.entrySet()) {
            assertEquals(reference.get(e.getKey()), e.getValue(), e.getKey().toString());
        }
        Map<TracepointId, SType.Record> warm = types(tracefs, all, counted, BootCache.in(dir, "typedefs", BootCache.Scope.KERNEL));
        assertEquals(reference, warm);
        assertEquals(file, Files.readString(dir.resolve("typedefs")), "a warm run adds nothing");
    }

    /** The whole semantic pass, without a cache, with a cold one and with a warm one, types args the same. */
    @Test
    void analyzerTypesArgsTheSameWithAndWithoutTheCache() throws Exception {
        String text = "tracepoint:task:task_newtask { $p = args->pid; $f = args->clone_flags; } "
                + "tracepoint:syscalls:sys_enter_openat { $m = args->mode; $n = args->filename; $d = args->dfd; }";
        Path dir = tmp.resolve("run");
        Files.createDirectory(dir);
        List<Map<String, String>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LiveKernel k = LiveKernel.of(Path.of("/sys"));
            if (i > 0) {
                k.withTypedefCache(BootCache.in(dir, "typedefs", BootCache.Scope.KERNEL));
            }
            SourceText src = new SourceText("stdin", text);
            CheckedProgram cp = Analyzer.check(src, ProgramParser.parse(src), k, CheckOptions.defaults());
            Map<String, String> vars = new TreeMap<>();
            for (var p : cp.probes()) {
                p.variables().forEach((name, t) -> vars.put(name, t.display()));
            }
            runs.add(vars);
        }
        assertEquals("int32", runs.get(0).get("p"), runs.get(0).toString());
        assertEquals(runs.get(0), runs.get(1));
        assertEquals(runs.get(0), runs.get(2));
    }
}
