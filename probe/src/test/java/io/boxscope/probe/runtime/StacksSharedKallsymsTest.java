package io.boxscope.probe.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.boxscope.bpf.symbols.KernelSymbols;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two probe sessions in one process (diagnose's on-CPU and off-CPU collectors) symbolize kernel addresses
 * from one kallsyms load: each {@link Stacks} asks {@link KernelSymbols#shared} instead of reading the file.
 */
class StacksSharedKallsymsTest {
    @Test
    void twoStacksReadKallsymsOnce(@TempDir Path proc) throws Exception {
        Files.writeString(proc.resolve("kallsyms"), """
                ffffffff81000000 T _stext
                ffffffff81000080 T entry_SYSCALL_64
                ffffffff81200000 t schedule
                ffffffffc0201000 t ftrace_trampoline\t[__builtin__ftrace]
                """);
        long before = KernelSymbols.loads();
        Stacks onCpu = new Stacks(null, proc);
        Stacks offCpu = new Stacks(null, proc);
        assertEquals("entry_SYSCALL_64", onCpu.ksym(0xffffffff81000090L));
        assertEquals("schedule", offCpu.ksym(0xffffffff81200010L));
        assertEquals("0x1000", offCpu.ksym(0x1000L), "no symbol: the address as bpftrace prints it");
        assertEquals(before + 1, KernelSymbols.loads(), "one read of kallsyms for both");
    }
}
