package io.boxscope.bpf.prog;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalInt;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.Errno;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfException;
import io.boxscope.bpf.btf.BtfKind;
import io.boxscope.bpf.btf.PtRegs;
import io.boxscope.bpf.sys.Arch;

/**
 * BTF type ids that TRACING programs name as their {@code attach_btf_id}: the typedef
 * {@code btf_trace_<tracepoint>} for tp_btf and the FUNC for fentry/fexit (kernel/bpf/verifier.c,
 * bpf_check_attach_target; Documentation/bpf/btf.rst). Looked up in the running kernel's BTF,
 * {@code /sys/kernel/btf/vmlinux}, through {@link Btf}. Parsing vmlinux BTF costs ~50 ms cold (see
 * docs/benchmarks.md), so it is parsed once per process, on first use, and kept; a failed read is not
 * cached, so a later call retries.
 */
public final class AttachTargets {
    private static final Path SYS = Path.of("/sys");
    private static final Object LOCK = new Object();
    private static volatile Btf vmlinux;

    private AttachTargets() {}

    /** The running kernel's BTF, parsed on the first call and shared by the whole process. */
    public static Btf vmlinux() {
        Btf b = vmlinux;
        if (b == null) {
            synchronized (LOCK) {
                b = vmlinux;
                if (b == null) {
                    try {
                        b = Btf.vmlinux(SYS);
                    } catch (IOException e) {
                        boolean missing = e instanceof NoSuchFileException || e.getCause() instanceof NoSuchFileException;
                        throw new BpfException("read kernel BTF", missing ? Errno.ENOENT.number() : 0,
                                e.getMessage() + "; tp_btf and fentry need a kernel built with CONFIG_DEBUG_INFO_BTF");
                    }
                    vmlinux = b;
                }
            }
        }
        return b;
    }

    private static volatile PtRegs ptRegs;

    /**
     * The running kernel's {@code struct pt_regs} layout for this architecture (argument, return value,
     * stack and instruction pointer offsets for uprobe/kprobe and perf-event programs), from its BTF.
     */
    public static PtRegs ptRegs() {
        PtRegs r = ptRegs;
        if (r == null) {
            try {
                r = PtRegs.of(vmlinux(), Arch.current());
            } catch (BtfException e) {
                throw new BpfException("find struct pt_regs in kernel BTF", 0, e.getMessage());
            }
            ptRegs = r;
        }
        return r;
    }

    /** The attach_btf_id of a tp_btf program on raw tracepoint {@code tracepoint} (e.g. "sched_switch"). */
    public static int rawTracepoint(String tracepoint) {
        return require(lookup(() -> vmlinux().rawTracepointTypeId(tracepoint)), "btf_trace_" + tracepoint,
                "no raw tracepoint '" + tracepoint + "' in this kernel; list them with: boxscope probe -l 'rawtracepoint:*'");
    }

    /** The attach_btf_id of an fentry/fexit program on kernel function {@code function}. */
    public static int function(String function) {
        return require(lookup(() -> vmlinux().findId(function, BtfKind.FUNC)), function,
                "the running kernel's BTF has no function '" + function + "' (wrong name, inlined, or static and not in BTF)");
    }

    private interface Lookup {
        OptionalInt get() throws IOException;
    }

    private static OptionalInt lookup(Lookup l) {
        try {
            return l.get();
        } catch (IOException e) {
            throw new BpfException("look up in kernel BTF", 0, e.getMessage());
        }
    }

    private static int require(OptionalInt id, String typeName, String hint) {
        if (id.isEmpty()) {
            throw new BpfException("find BTF type " + typeName + " in /sys/kernel/btf/vmlinux", Errno.ENOENT.number(), hint);
        }
        return id.getAsInt();
    }
}
