package io.boxscope.probe.codegen;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.AtomicOp;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.probe.lang.sema.Attach;
import io.boxscope.probe.lang.sema.CheckedProbe;
import io.boxscope.probe.lang.sema.CheckedProgram;
import io.boxscope.probe.lang.sema.ProbeKind;
import io.boxscope.probe.lang.sema.SType;

/**
 * The state one BPF program is generated with: the assembler, the stack {@link Frame}, the scratch
 * variables' slots, the script's maps and the shared action table. Registers: R6 holds the context for
 * the whole program, R9 a reserved ring-buffer record while a {@code printf} is built, R0-R5 are
 * temporaries (helper calls clobber R1-R5), and values that must survive a call are spilled to the stack.
 */
final class Gen {
    static final Reg CTX = Reg.R6;
    static final Reg RECORD = Reg.R9;
    /** The collection's ring buffer and lost-record counter. */
    static final String RINGBUF = "events", LOST = "lost";
    /** {@code cpid}: the pid of the {@code -c} command, written by the runtime before the command runs (0 without one). */
    static final String CPID = "cpid";
    /** --container: a one-slot cgroup array holding the container's cgroup v2 directory. */
    static final String CGROUP = "cgroup";
    /**
     * A one-slot array the runtime sets to 1 when it detaches: every program but BEGIN/END returns at once when
     * it is set (a direct map-value load and a compare), so probes whose release the kernel takes seconds over
     * (hundreds of tracepoints) do nothing meanwhile.
     */
    static final String STOP = "stop";
    /**
     * A one-slot array whose value holds the failure counters of every map-update site of the script
     * ({@link UpdateSite}: {@link UpdateSite#BYTES} a site), added to atomically through a direct value address.
     */
    static final String UPDATES = ProbeCompiler.UPDATES;
    /** E2BIG (include/uapi/asm-generic/errno-base.h): what bpf_map_update_elem returns for a new key in a full hash map. */
    static final int E2BIG = 7;

    /**
     * Scratch space beyond the stack: a struct value larger than {@link #SCRATCH_MIN} bytes kept in a scratch
     * variable or built as a map value lives in a one-slot per-CPU array of this program's own, whose value the
     * prologue looks up once into R8 (callee-saved: it survives every helper call). One map a program, so two
     * programs nesting on one CPU never share it; the kernel does not run a program inside itself.
     */
    static final Reg SCRATCH = Reg.R8;
    /** Struct values above this size go to scratch; smaller ones stay on the stack. */
    static final int SCRATCH_MIN = 128;
    /**
     * The largest per-CPU value the kernel allocates (PCPU_MIN_UNIT_SIZE, 32 KiB: kernel/bpf/arraymap.c refuses a
     * larger per-CPU array value).
     */
    static final int SCRATCH_MAX = 32 * 1024;

    final Asm asm = new Asm();
    final Frame frame = new Frame();
    /** Scratch variables that live in the per-CPU scratch value: their offsets there. */
    final Map<String, Integer> scratchVariables = new HashMap<>();
    /** The program's name in the collection ({@code p0_0}...). */
    String programName;
    /** The per-CPU scratch map's name (null: this program needs none). */
    String scratchMap;
    final CheckedProgram program;
    final CheckedProbe probe;
    /** The attach point whose tracepoint layout this program reads {@code args} with (all of its group share it). */
    final Attach representative;
    final Map<String, MapLayout> maps;
    final List<Action> actions;
    /** Map-update sites of the whole script (every program numbers into one list). */
    final List<UpdateSite> updateSites;
    final Map<String, Integer> variables = new HashMap<>();
    final Label exit;
    /** Probe id as a constant (one attach point, or no cookies), or -1 to read the BPF cookie. */
    final long probeId;
    /** {@code nsecs} when the script started: elapsed is measured from it. */
    final long startNanos;
    /** Register offsets in {@code struct pt_regs} (uprobe arguments and return values); null without BTF. */
    final io.boxscope.bpf.btf.PtRegs regs;
    /** The kernel's BTF (struct pt_regs members named by USDT argument specs); null when not readable. */
    io.boxscope.bpf.btf.Btf btf;

    Gen(CheckedProgram program, CheckedProbe probe, Attach representative, Map<String, MapLayout> maps,
        List<Action> actions, List<UpdateSite> updateSites, long probeId, long startNanos, io.boxscope.bpf.btf.PtRegs regs) {
        this.regs = regs;
        this.updateSites = updateSites;
        this.program = program;
        this.probe = probe;
        this.representative = representative;
        this.maps = maps;
        this.actions = actions;
        this.probeId = probeId;
        this.startNanos = startNanos;
        this.exit = asm.newLabel("exit");
    }

    ProbeKind kind() {
        return representative.kind();
    }

    /** Whether a value of type {@code t} is built in scratch space rather than on the stack. */
    static boolean inScratch(SType t) {
        return t instanceof SType.Record r && r.size() > SCRATCH_MIN;
    }

    /**
     * Whether a scratch variable of type {@code t} lives in scratch space: a struct as {@link #inScratch}, and a tuple
     * over {@link #SCRATCH_MIN} bytes (three 64-byte strings already: a copy of it into a map key or a print record
     * then needs its bytes twice, and with its temporaries the 512-byte stack ran out).
     */
    static boolean variableInScratch(SType t) {
        return inScratch(t) || t instanceof SType.Tuple && Layouts.size(t) > SCRATCH_MIN;
    }

    /**
     * The scratch variables of a probe that live in scratch space: those {@link #variableInScratch} says, and then,
     * while the rest would take more than {@link #stackShare} bytes of the stack (many strings, tuples and small
     * structs), the largest of those too, so the statements keep half the stack for their temporaries.
     */
    java.util.Set<String> scratchVariables(Map<String, SType> variables) {
        java.util.Set<String> out = new java.util.HashSet<>();
        List<Map.Entry<String, SType>> movable = new java.util.ArrayList<>();
        int stack = 0;
        for (Map.Entry<String, SType> v : variables.entrySet()) {
            if (variableInScratch(v.getValue())) {
                out.add(v.getKey());
                continue;
            }
            stack += Layouts.size(v.getValue());
            if (v.getValue() instanceof SType.Str || v.getValue() instanceof SType.Tuple || v.getValue() instanceof SType.Record) {
                movable.add(v);
            }
        }
        // largest first; ties by name, so the same program always compiles to the same code
        movable.sort(java.util.Comparator.<Map.Entry<String, SType>>comparingInt(e -> -Layouts.size(e.getValue()))
                .thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, SType> v : movable) {
            if (stack <= stackShare) {
                break;
            }
            out.add(v.getKey());
            stack -= Layouts.size(v.getValue());
        }
        return out;
    }

    /**
     * Map keys and map values larger than this are built in scratch space instead of on the stack: half the stack, so
     * a key and a value of this size still leave room for the temporaries of the expressions that fill them.
     * bpftrace 0.17 builds every key on the stack and fails at LLVM's "BPF stack limit of 512 bytes is exceeded".
     */
    static final int STACK_KEY_MAX = 256;

    /** Whether the kernel key of map {@code l} is built in scratch space (see {@link #STACK_KEY_MAX}). */
    boolean keyInScratch(MapLayout l) {
        return !l.isArray() && Layouts.round(l.keySize()) > stackShare;
    }

    /**
     * Map keys and values over this many bytes, and variables beyond it, go to scratch space: {@link #STACK_KEY_MAX},
     * or {@link #TIGHT_SHARE} when the probe did not fit the stack that way ({@code ProbeCompiler} generates it again:
     * two 256-byte keys in one statement, {@code @b[k] = @a[k]}, took 520 bytes).
     */
    int stackShare = STACK_KEY_MAX;
    static final int TIGHT_SHARE = 64;

    /** Whether a value assigned to map {@code l} ({@code @m[k] = v}) is built in scratch space. */
    boolean valueInScratch(MapLayout l) {
        return l.agg() == null && (inScratch(l.info().value()) || Layouts.round(l.valueSize()) > stackShare);
    }

    /** A place of {@code bytes} in the scratch value (offset from {@link #SCRATCH}); fails beyond 32 KiB. */
    int scratchAlloc(int bytes, io.boxscope.probe.lang.diag.Span where) {
        if (scratchMap == null) {
            throw new IllegalStateException("scratch space used by a program whose prologue did not look it up");
        }
        int at = frame.allocScratch(bytes);
        if (frame.scratchUsed() > SCRATCH_MAX) {
            throw new CodegenException(where, "this probe needs more than the kernel's 32 KiB of per-CPU scratch space for"
                    + " struct values and large map keys (" + frame.scratchUsed() + " bytes at this point)",
                    "keep fewer whole structs and long strings in variables, keys and maps at once, or read a field at a time (p->field)");
        }
        return at;
    }

    int scratchMark() {
        return frame.mark();
    }

    void scratchRelease(int mark) {
        frame.release(mark);
    }

    /** Bytes of scratch space this program needs at most. */
    int scratchPeak() {
        return frame.scratchPeak();
    }

    /**
     * Zeroes {@code bytes} (a multiple of 8) at a place: word by word up to {@link #SCRATCH_MIN} bytes, else with one
     * {@code bpf_probe_read_kernel} from address 0, which fails and zeroes its destination (kernel/bpf/helpers.c,
     * bpf_probe_read_kernel_common: memset on error). Clobbers R0-R5 for large places.
     */
    void zero(Place p, int bytes) {
        if (bytes <= SCRATCH_MIN) {
            zero(p.base(), p.off(), bytes);
            return;
        }
        addr(Reg.R1, p.base(), p.off());
        asm.movImm(Reg.R2, bytes);
        asm.movImm(Reg.R3, 0);
        asm.call(Helper.PROBE_READ_KERNEL);
    }

    /**
     * Copies {@code bytes} from src + so to dst + doff: word by word for small values, with one
     * {@code bpf_probe_read_kernel} for a struct in scratch space (both places are kernel memory: the stack, a map
     * value or a ring-buffer record). Clobbers R0-R5 for large copies, {@code tmp} otherwise.
     */
    void copyValue(Reg dst, int doff, Reg src, int so, int bytes, Reg tmp) {
        if (bytes <= SCRATCH_MIN) {
            copy(dst, doff, src, so, bytes, tmp);
            return;
        }
        addr(Reg.R3, src, so);
        addr(Reg.R1, dst, doff);
        asm.movImm(Reg.R2, bytes);
        asm.call(Helper.PROBE_READ_KERNEL);
    }

    /** An action's number in the table (its first use adds it). */
    int action(Action a) {
        int i = actions.indexOf(a);
        if (i >= 0) {
            return i;
        }
        actions.add(a);
        return actions.size() - 1;
    }

    /** dst = base + off (a pointer to a place on the stack or in a record). */
    void addr(Reg dst, Reg base, int off) {
        asm.mov(dst, base);
        if (off != 0) {
            asm.add(dst, off);
        }
    }

    /** Zeroes {@code bytes} (a multiple of 8) at base + off. */
    void zero(Reg base, int off, int bytes) {
        for (int i = 0; i < bytes; i += 8) {
            asm.st(Size.DW, base, off + i, 0);
        }
    }

    /** Copies {@code bytes} (a multiple of 8) from src + so to dst + doff through R0... R0 is clobbered. */
    void copy(Reg dst, int doff, Reg src, int so, int bytes, Reg tmp) {
        for (int i = 0; i < bytes; i += 8) {
            asm.ldx(Size.DW, tmp, src, so + i);
            asm.stx(Size.DW, dst, doff + i, tmp);
        }
    }

    /** Adds one to the lost-records counter (a ring buffer that was full). */
    void countLost() {
        asm.ldMapValue(Reg.R1, LOST, 0);
        asm.movImm(Reg.R2, 1);
        asm.atomic(Size.DW, AtomicOp.ADD, Reg.R1, 0, Reg.R2);
    }

    /**
     * Counts a failed {@code bpf_map_update_elem} whose return value is in R0 (call right after the helper):
     * nothing happens when it is 0; otherwise the site's -E2BIG or other-error counter goes up by one and
     * an other error's code is kept. Clobbers R1 and R2; R0 is kept.
     */
    void checkUpdate(MapLayout l, io.boxscope.probe.lang.diag.Span where) {
        io.boxscope.probe.lang.diag.SourceText src = program.source();
        UpdateSite site = new UpdateSite(l.info().display(), src.line(where.start()), src.column(where.start()),
                l.maxEntries());
        int i = updateSites.indexOf(site); // a body compiled once per attach point shares its counters
        if (i < 0) {
            updateSites.add(site);
            i = updateSites.size() - 1;
        }
        Label ok = asm.newLabel(), other = asm.newLabel();
        asm.jmp(io.boxscope.bpf.asm.JmpOp.JEQ, Reg.R0, 0, ok);
        asm.ldMapValue(Reg.R1, UPDATES, i * UpdateSite.BYTES);
        asm.movImm(Reg.R2, 1);
        asm.jmp(io.boxscope.bpf.asm.JmpOp.JNE, Reg.R0, -E2BIG, other);
        asm.atomic(Size.DW, AtomicOp.ADD, Reg.R1, UpdateSite.FULL, Reg.R2);
        asm.ja(ok);
        asm.bind(other);
        asm.atomic(Size.DW, AtomicOp.ADD, Reg.R1, UpdateSite.OTHER, Reg.R2);
        asm.stx(Size.DW, Reg.R1, UpdateSite.LAST_ERROR, Reg.R0);
        asm.bind(ok);
    }

    /** Writes a record of one u64, the action number, to the ring buffer (print, clear, zero, exit). */
    void emitAction(int id, io.boxscope.probe.lang.diag.Span where) {
        int mark = frame.mark();
        int slot = frame.alloc(8, where);
        asm.ldImm64(Reg.R1, id);
        asm.stx(Size.DW, Reg.R10, slot, Reg.R1);
        asm.ldMap(Reg.R1, RINGBUF);
        addr(Reg.R2, Reg.R10, slot);
        asm.movImm(Reg.R3, 8);
        asm.movImm(Reg.R4, 0);
        asm.call(Helper.RINGBUF_OUTPUT);
        Label ok = asm.newLabel();
        asm.jmp(io.boxscope.bpf.asm.JmpOp.JEQ, Reg.R0, 0, ok);
        countLost();
        asm.bind(ok);
        frame.release(mark);
    }

    /** Whether a string pointer read by str() is a user address here (syscall tracepoint arguments, uprobes). */
    boolean userPointers() {
        return switch (kind()) {
            case TRACEPOINT -> representative.target().getFirst().equals("syscalls");
            case UPROBE, URETPROBE, USDT -> true;
            default -> false;
        };
    }

    static int size(SType t) {
        return Layouts.size(t);
    }
}
