package io.boxscope.bpf.prog;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import io.boxscope.bpf.sys.Sys;

/**
 * What the kernel says about one loaded program: {@code struct bpf_prog_info} (include/uapi/linux/bpf.h)
 * read with bpf(2) BPF_OBJ_GET_INFO_BY_FD, the fields {@code bpftool prog show} prints.
 *
 * <p>The struct grew over the years (run_time_ns/run_cnt in 5.1, recursion_misses in 5.12). The
 * kernel copies {@code min(its size, ours)} bytes and writes that length back into the attribute; a
 * buffer larger than its struct is accepted as long as the tail is zero (kernel/bpf/syscall.c,
 * bpf_obj_get_info_by_fd and bpf_check_uarg_tail_zero). So one zeroed buffer of {@link #BUFFER} bytes
 * works on every kernel, and the returned length says which fields this kernel has: that is the
 * feature probe, no version check. A field the kernel did not fill is empty ({@code unknown}), never 0.
 *
 * <p>{@code run_time_ns} and {@code run_cnt} only grow while BPF statistics are on (sysctl
 * kernel.bpf_stats_enabled, or BPF_ENABLE_STATS); {@code recursion_misses} always counts: each time the
 * kernel did not run the program because another BPF program was already running on that CPU
 * (tracepoint, kprobe and perf-event programs: kernel/trace/bpf_trace.c trace_call_bpf and
 * bpf_overflow_handler call bpf_prog_inc_misses_counter(s)) or because it was already running itself
 * (raw tracepoints, tp_btf, fentry: __bpf_trace_run, __bpf_prog_enter_recur).
 *
 * @param infoLength      bytes of the struct this kernel filled
 * @param type            {@code enum bpf_prog_type} number ({@link ProgramType#id()})
 * @param id              the program's id, as {@code bpftool prog show} lists it
 * @param name            the name given at load time (at most 15 characters), "" when none
 * @param runTimeNs       total run time while statistics were on, or empty on kernels without the field
 * @param runCount        runs while statistics were on, or empty on kernels without the field
 * @param recursionMisses runs the kernel skipped, or empty on kernels without the field
 * @param verifiedInsns   instructions the verifier processed to accept the program ({@code verified_insns}, Linux
 *                        5.16+; the figure its log's "processed N insns" line gives, which
 *                        BPF_COMPLEXITY_LIMIT_INSNS, 1,000,000, bounds), or empty on kernels without the field
 */
public record ProgramInfo(int infoLength, int type, int id, String name, OptionalLong runTimeNs, OptionalLong runCount,
                          OptionalLong recursionMisses, OptionalLong verifiedInsns) {
    /** Bytes passed to the kernel: more than any kernel's struct so far (232 bytes in Linux 6.x), zero-filled. */
    public static final int BUFFER = 512;

    // Offsets in struct bpf_prog_info (include/uapi/linux/bpf.h).
    static final int TYPE = 0, ID = 4, NAME = 64, NAME_LEN = 16, RUN_TIME_NS = 192, RUN_CNT = 200, RECURSION_MISSES = 208,
            VERIFIED_INSNS = 216;

    /** The program type as Boxscope names it, or null for a type Boxscope does not load. */
    public ProgramType programType() {
        for (ProgramType t : ProgramType.values()) {
            if (t.id() == type) {
                return t;
            }
        }
        return null;
    }

    /** Reads the info of the program behind descriptor {@code fd}; {@code what} names it in a failure. */
    public static ProgramInfo of(int fd, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(BUFFER, 8);
            MemorySegment attr = a.allocate(16, 8);
            attr.set(ValueLayout.JAVA_INT, 0, fd);
            attr.set(ValueLayout.JAVA_INT, 4, BUFFER);
            attr.set(ValueLayout.JAVA_LONG, 8, info.address());
            Sys.bpf("get info of program " + what, Sys.BPF_OBJ_GET_INFO_BY_FD, attr);
            int length = attr.get(ValueLayout.JAVA_INT, 4);
            return parse(info.toArray(ValueLayout.JAVA_BYTE), length);
        }
    }

    /**
     * Decodes the first {@code length} bytes of {@code info} (native byte order) as the kernel filled
     * them. Fields past {@code length} are empty; a length beyond the buffer, or negative, is an error.
     */
    public static ProgramInfo parse(byte[] info, int length) {
        if (length < 0 || length > info.length) {
            throw new IllegalArgumentException("bpf_prog_info of " + length + " bytes in a buffer of " + info.length);
        }
        ByteBuffer b = ByteBuffer.wrap(info, 0, length).order(ByteOrder.nativeOrder());
        int type = length >= TYPE + 4 ? b.getInt(TYPE) : -1;
        int id = length >= ID + 4 ? b.getInt(ID) : 0;
        String name = "";
        if (length >= NAME + NAME_LEN) {
            int end = NAME;
            while (end < NAME + NAME_LEN && info[end] != 0) {
                end++;
            }
            name = new String(info, NAME, end - NAME, StandardCharsets.US_ASCII);
        }
        return new ProgramInfo(length, type, id, name, u64(b, length, RUN_TIME_NS), u64(b, length, RUN_CNT),
                u64(b, length, RECURSION_MISSES),
                length >= VERIFIED_INSNS + 4 ? OptionalLong.of(b.getInt(VERIFIED_INSNS) & 0xffff_ffffL) : OptionalLong.empty());
    }

    /**
     * The runs {@code programs} skipped so far: the sum of their {@code recursion_misses}, 0 for a kernel that
     * does not count them (unknown there, not none). A program's count starts at 0 when it is loaded.
     */
    public static long skippedRuns(Iterable<Program> programs) {
        long sum = 0;
        for (Program p : programs) {
            sum += p.info().recursionMisses().orElse(0);
        }
        return sum;
    }

    /**
     * The one wording of skipped runs, for every front end: {@code 3 events skipped by the kernel (another BPF
     * program was running on the CPU)}, without a newline. bpftrace 0.17 and libbpf-tools do not report them.
     */
    public static String skippedMessage(long skipped) {
        return Long.toUnsignedString(skipped) + (skipped == 1 ? " event" : " events")
                + " skipped by the kernel (another BPF program was running on the CPU)";
    }

    private static OptionalLong u64(ByteBuffer b, int length, int offset) {
        return length >= offset + 8 ? OptionalLong.of(b.getLong(offset)) : OptionalLong.empty();
    }
}
