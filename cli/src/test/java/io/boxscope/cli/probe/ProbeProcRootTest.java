package io.boxscope.cli.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import io.boxscope.cli.Cli;
import io.boxscope.proc.json.Json;
import io.boxscope.testkit.Kallsyms;
import io.boxscope.testkit.KernelTest;
import io.boxscope.testkit.Requirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code boxscope probe} names kernel addresses from {@code --proc-root}'s kallsyms, as profile and offcputime do,
 * not from the host's own /proc. The program prints {@code ksym(kaddr("vfs_read"))}: kaddr is resolved when compiling
 * from the running kernel's /proc/kallsyms (the program runs on this kernel whatever --proc-root says), ksym when the
 * value is printed. With a proc root of the test's own whose kallsyms shows every address as 0 (testkit's Kallsyms)
 * the address is printed in hex and counted, naming that file; with the default root it is named vfs_read when this
 * machine's kallsyms reads (asked of the file). Oracle: the address kaddr gave, in the program's own other column.
 */
@KernelTest
class ProbeProcRootTest {
    @TempDir
    Path tmp;

    static final String PROGRAM = "BEGIN { printf(\"%s 0x%lx\\n\", ksym(kaddr(\"vfs_read\")), kaddr(\"vfs_read\")); exit(); }";

    @Test
    void kernelSymbolsComeFromTheProcRoot() {
        Requirements.require(Kallsyms.readableHere(), "a readable /proc/kallsyms (kaddr resolves from it)");
        Path proc = Kallsyms.hidden(tmp.resolve("proc"));
        Cli hidden = Cli.run("--proc-root", proc.toString(), "probe", "-q", "-e", PROGRAM);
        assertEquals(0, hidden.code(), hidden.err());
        String[] f = hidden.out().strip().split(" ");
        assertEquals(2, f.length, hidden.out());
        assertEquals(f[1], f[0], "the address printed in hex: " + hidden.out());
        List<String> notice = hidden.err().lines().filter(l -> l.contains("kernel address")).toList();
        assertEquals(List.of("boxscope: 1 kernel address printed in hex: kernel symbols could not be read: " + proc.resolve("kallsyms")
                + " shows every address as 0"), notice.stream().map(l -> l.replaceFirst(" 0: .*", " 0")).toList(), hidden.err());

        Cli json = Cli.run("--proc-root", proc.toString(), "probe", "-q", "-f", "json", "-e", PROGRAM);
        assertEquals(0, json.code(), json.err());
        assertTrue(json.out().lines().filter(l -> !l.isBlank()).map(Json::parse).anyMatch(o -> o instanceof Map<?, ?> m && "kernel_symbols_missing".equals(m.get("type"))
                && m.get("data") instanceof Map<?, ?> d && Long.valueOf(1).equals(d.get("addresses"))
                && ((String) d.get("reason")).contains(proc.resolve("kallsyms").toString())), json.out());

        Cli real = Cli.run("probe", "-q", "-e", PROGRAM);
        assertEquals(0, real.code(), real.err());
        assertTrue(real.out().startsWith("vfs_read 0x"), real.out());
        assertTrue(real.err().lines().noneMatch(l -> l.contains("kernel address")), real.err());
    }
}
