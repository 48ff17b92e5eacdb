package io.boxscope.probe.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfKind;
import io.boxscope.bpf.btf.PtRegs;
import io.boxscope.bpf.feature.Support;
import io.boxscope.bpf.sys.Arch;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code probe -l} without a provider lists kfuncs as bpftrace 0.17's {@code -l} does (its probe_matcher.cpp and
 * attachpoint_parser.cpp at v0.17.0): {@code kfunc:vmlinux:NAME}, only when the kernel takes fentry and only the
 * functions available_filter_functions lists, none when that file cannot be read, no kretfunc. A sys root whose BTF is
 * this kernel's, whose filter file the test writes, and whose fentry answer the test gives (this kernel refuses fentry,
 * so the listing with it is checked by {@code ProbeListParityTest} against bpftrace live).
 */
@KernelTest
class ProbeListerKfuncTest {
    static final Path VMLINUX = Path.of("/sys/kernel/btf/vmlinux");

    @TempDir
    Path sys;

    @BeforeEach
    void tree() throws Exception {
        Path tracing = Files.createDirectories(sys.resolve("kernel/tracing"));
        Files.createDirectories(tracing.resolve("events/sched/sched_switch"));
        Files.writeString(tracing.resolve("available_events"), "sched:sched_switch\n");
        Files.createDirectories(sys.resolve("kernel/btf"));
        Files.createSymbolicLink(sys.resolve("kernel/btf/vmlinux"), VMLINUX);
    }

    static List<String> kfuncs(Listing l) {
        return l.probes().stream().map(ListedProbe::name).filter(n -> n.startsWith("kfunc:") || n.startsWith("kretfunc:")).toList();
    }

    @Test
    void listedAsBpftraceListsThemWhereFentryAttaches() throws Exception {
        // a function whose parameters do not all fit the argument registers: bpftrace leaves it out
        Btf btf = Btf.read(VMLINUX);
        int registers = PtRegs.of(btf, Arch.current()).args().size();
        String wide = null;
        for (int id : btf.idsWithPrefix(BtfKind.FUNC, "")) {
            if (btf.signature(id).params().size() > registers) {
                wide = btf.name(id);
                break;
            }
        }
        assertTrue(wide != null, "a kernel function with more than " + registers + " parameters");
        Files.writeString(sys.resolve("kernel/tracing/available_filter_functions"),
                "vfs_read\nvfs_write\nno_such_function_here [nomodule]\n" + wide + "\n");
        ProbeLister lister = new ProbeLister(sys, sys.resolve("no-debug"), Support.Supported::new);
        Listing l = lister.list(null, false);
        assertEquals(List.of("kfunc:vmlinux:vfs_read", "kfunc:vmlinux:vfs_write"), kfuncs(l), l.notices().toString());
        assertTrue(l.probes().stream().anyMatch(p -> p.name().equals("tracepoint:sched:sched_switch")), l.toString());
        assertTrue(l.probes().stream().anyMatch(p -> p.name().equals("rawtracepoint:sched_switch")), l.toString());
        assertEquals(List.of("kfunc:vmlinux:vfs_read"), kfuncs(lister.list("*vfs_rea*", false)));
        Listing v = lister.list("*:vfs_read", true);
        assertEquals(List.of("struct file * file", "char * buf", "size_t count", "loff_t * pos"),
                v.probes().stream().filter(p -> p.name().equals("kfunc:vmlinux:vfs_read")).findFirst().orElseThrow().args());
        // a kfunc: pattern goes the same way, with or without the module: the same names, the same filters
        List<String> both = List.of("kfunc:vmlinux:vfs_read", "kfunc:vmlinux:vfs_write");
        assertEquals(both, kfuncs(lister.list("kfunc:vfs_*", false)));
        assertEquals(both, kfuncs(lister.list("kfunc:*", false)).stream().filter(both::contains).toList());
        assertEquals(List.of(), kfuncs(lister.list("kfunc:" + wide, false)), "over the argument registers");
        assertEquals(List.of("kfunc:vmlinux:vfs_read"), kfuncs(lister.list("kfunc:vmlinux:vfs_read", false)));
        assertEquals(List.of("kretfunc:vmlinux:vfs_write"), kfuncs(lister.list("fexit:vfs_wr*", false)));
        assertEquals(List.of(), kfuncs(lister.list("kfunc:nosuchmodule:vfs_read", false)));
        assertEquals(2, kfuncs(lister.list("kfunc:*", false)).size(), "only what available_filter_functions lists");
    }

    @Test
    void noneWhereFentryIsRefusedOrTheFilterFileCannotBeReadEachSaid() throws Exception {
        Listing unreadable = new ProbeLister(sys, sys.resolve("no-debug"), Support.Supported::new).list(null, false);
        assertEquals(List.of(), kfuncs(unreadable));
        assertTrue(unreadable.notices().stream().anyMatch(n -> n.startsWith("kfunc probes not listed, as bpftrace lists none: cannot read "
                + sys.resolve("kernel/tracing/available_filter_functions"))), unreadable.notices().toString());
        Files.writeString(sys.resolve("kernel/tracing/available_filter_functions"), "vfs_read\n");
        Listing refused = new ProbeLister(sys, sys.resolve("no-debug"), () -> new Support.Unsupported("EINVAL for the test")).list(null, false);
        assertEquals(List.of(), kfuncs(refused));
        assertTrue(refused.notices().contains("kfunc probes not listed: this kernel refuses fentry programs (EINVAL for the test)"),
                refused.notices().toString());
    }
}
