package io.boxscope.bpf.prog;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.Errno;
import io.boxscope.bpf.asm.Disassembler;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.sys.Fd;
import io.boxscope.bpf.sys.Sys;

/**
 * A loaded BPF program (bpf(2) BPF_PROG_LOAD). Loading first runs without a verifier log (cheap); on
 * rejection it loads again with log_level 1, growing the buffer on ENOSPC, so the exception carries
 * the log. Closing drops this descriptor; links hold their own reference until they are closed.
 */
public final class Program implements AutoCloseable {
    private static final int MAX_LOG = 64 << 20;
    private static final Pattern INSN_LINE = Pattern.compile("(?m)^(\\d+): \\(");

    private final ProgramSpec spec;
    private final Fd fd;

    private Program(ProgramSpec spec, Fd fd) {
        this.spec = spec;
        this.fd = fd;
    }

    /** Loads a program without symbolic map references (those need {@link #load(ProgramSpec, java.util.function.Function)}). */
    public static Program load(ProgramSpec spec) {
        if (!spec.mapRefs().isEmpty()) {
            throw new IllegalArgumentException("program " + spec.name() + " refers to maps by name ("
                    + spec.mapRefs().get(0).map() + ", ...): load it with its maps, through BpfCollection or "
                    + "Program.load(spec, maps)");
        }
        return load(spec, name -> null);
    }

    /**
     * Loads a program, resolving its symbolic map references ({@code Asm.ldMap}) with {@code maps} (name →
     * open map; null for an unknown name, which fails with the name and the instruction).
     */
    public static Program load(ProgramSpec spec, java.util.function.Function<String, BpfMap> maps) {
        String op = "load " + spec.type().name().toLowerCase(Locale.ROOT) + " program " + spec.name();
        List<Insn> code = spec.resolvedInsns(maps);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment insns = a.allocate(code.size() * 8L, 8);
            Insn.encode(code, insns);
            MemorySegment license = a.allocateFrom(spec.license());
            MemorySegment attr = a.allocate(144, 8);
            attr.set(ValueLayout.JAVA_INT, 0, spec.type().id());
            attr.set(ValueLayout.JAVA_INT, 4, spec.insns().size());
            attr.set(ValueLayout.JAVA_LONG, 8, insns.address());
            attr.set(ValueLayout.JAVA_LONG, 16, license.address());
            byte[] name = BpfMap.kernelName(spec.name());
            MemorySegment.copy(name, 0, attr, ValueLayout.JAVA_BYTE, 48, name.length);
            attr.set(ValueLayout.JAVA_INT, 68, spec.expectedAttachType().id());
            attr.set(ValueLayout.JAVA_INT, 108, spec.attachBtfId());
            Sys.Result r = Sys.bpfRaw(Sys.BPF_PROG_LOAD, attr);
            if (!r.failed()) {
                return new Program(spec, new Fd((int) r.value()));
            }
            int firstErrno = r.errno();
            if (firstErrno == Errno.EPERM.number()) {
                throw BpfException.of(op, firstErrno);
            }
            for (int size = 1 << 20; size <= MAX_LOG; size <<= 2) {
                try (Arena logArena = Arena.ofConfined()) {
                    MemorySegment log = logArena.allocate(size);
                    attr.set(ValueLayout.JAVA_INT, 24, 1);
                    attr.set(ValueLayout.JAVA_INT, 28, size);
                    attr.set(ValueLayout.JAVA_LONG, 32, log.address());
                    r = Sys.bpfRaw(Sys.BPF_PROG_LOAD, attr);
                    if (!r.failed()) {
                        // Loaded with logging on: a transient failure the first time. Keep it.
                        return new Program(spec, new Fd((int) r.value()));
                    }
                    if (r.errno() == Errno.ENOSPC.number() && size < MAX_LOG) {
                        continue;
                    }
                    String text = log.getString(0, StandardCharsets.UTF_8);
                    throw rejected(op, code, r.errno(), text);
                }
            }
            throw BpfException.of(op, firstErrno);
        }
    }

    static BpfException rejected(String op, List<Insn> insns, int errno, String log) {
        if (log.isBlank()) {
            return BpfException.of(op, errno);
        }
        int failed = -1;
        Matcher m = INSN_LINE.matcher(log);
        while (m.find()) {
            failed = Integer.parseInt(m.group(1));
        }
        String[] lines = log.strip().split("\n");
        int from = Math.max(0, lines.length - 12);
        StringBuilder sb = new StringBuilder();
        Errno e = Errno.of(errno);
        // the verifier answers EACCES or EINVAL: not a privilege problem, so name it without strerror's words
        sb.append(op).append(": the verifier rejected it (").append(e == null ? "errno " + errno : e.name()).append(")\n");
        sb.append("verifier log (last ").append(lines.length - from).append(" of ").append(lines.length).append(" lines):\n");
        for (int i = from; i < lines.length; i++) {
            sb.append("  ").append(lines[i]).append('\n');
        }
        if (failed >= 0 && failed < insns.size()) {
            sb.append("program around instruction ").append(failed).append(":\n");
            sb.append(Disassembler.dump(insns, failed - 4, failed + 4, failed));
        }
        sb.append("fix the program; the full log is in VerifierException.log()");
        return new VerifierException(op, errno, sb.toString(), log, failed);
    }

    public ProgramSpec spec() {
        return spec;
    }

    public ProgramType type() {
        return spec.type();
    }

    public String name() {
        return spec.name();
    }

    public int fd() {
        return fd.value();
    }

    /** The kernel's id (bpf_prog_info.id), as {@code bpftool prog show} lists it. */
    public int id() {
        return info().id();
    }

    /**
     * What the kernel says about this program now ({@link ProgramInfo}): its id, type, name, run
     * statistics and the runs it skipped ({@code recursion_misses}).
     */
    public ProgramInfo info() {
        return ProgramInfo.of(fd(), spec.name());
    }

    /**
     * Runs a RAW_TRACEPOINT program once, now, on this CPU, with {@code args} as its context (the
     * {@code u64 args[]} a raw tracepoint passes), and returns its return value. This is bpf(2)
     * BPF_PROG_TEST_RUN (BPF_PROG_RUN; Documentation/bpf/bpf_prog_run.rst), which bpftrace uses for BEGIN
     * and END probes; the kernel allows at most 12 arguments and no repeat count for this type.
     */
    public int run(long... args) {
        String op = "run program " + spec.name();
        if (spec.type() != ProgramType.RAW_TRACEPOINT) {
            throw new IllegalArgumentException(op + ": only RAW_TRACEPOINT programs can be run directly, this is " + spec.type());
        }
        if (args.length > 12) {
            throw new IllegalArgumentException(op + ": " + args.length + " arguments, the kernel takes at most 12");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment attr = a.allocate(80, 8);
            attr.set(ValueLayout.JAVA_INT, 0, fd());
            if (args.length > 0) {
                MemorySegment ctx = a.allocate(8L * args.length, 8);
                MemorySegment.copy(args, 0, ctx, ValueLayout.JAVA_LONG, 0, args.length);
                attr.set(ValueLayout.JAVA_INT, 40, (int) ctx.byteSize()); // ctx_size_in
                attr.set(ValueLayout.JAVA_LONG, 48, ctx.address());       // ctx_in
            }
            Sys.bpf(op, Sys.BPF_PROG_TEST_RUN, attr);
            return attr.get(ValueLayout.JAVA_INT, 4); // retval
        }
    }

    public boolean isClosed() {
        return fd.isClosed();
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return spec.type() + " program " + spec.name() + " (" + fd + ")";
    }
}
