package io.boxscope.trace.live;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One record of {@link CaptureProbe}'s ring buffer, copied out of the ring. Layout (native byte order):
 * <pre>
 *  0 u16 kind      ENTER, EXIT, FORK, EXEC, PROCEXIT; ENTER and EXIT with {@link #STATE_FLAG} set: state-only
 *  2 u16 0         (a generic record's syscall number, below)
 *  4 u32 cpu
 *  8 u64 ts        bpf_ktime_get_ns (CLOCK_MONOTONIC)
 * 16 u64 pid_tgid  the task's tgid &lt;&lt; 32 | tid
 * 24 u64 id        syscall number; for FORK the child's tgid &lt;&lt; 32 | tid; for EXEC the byte count of the exe
 *                  path's components in slot 3 (low 32 bits) and whether each walk reached a root (PathWalk)
 * 32 i64 ret       return value (EXIT); EXEC: the task's RLIMIT_NOFILE soft limit, -1 when not read; FORK: the
 *                  child's v2 cgroup id (its css_set's dfl_cgrp's kernfs node id), 0 when not read
 * 40 u64 args[6]   syscall arguments (ENTER; EXIT for syscalls whose buffer is read at exit); EXEC: the
 *                  new mm's total_vm and rss_stat counters in 0-4, 1 in 5 when they were read
 * 88 u16 len[4]    lengths of the data slots: string A, string B, buffer, socket address
 * 96 data          the slots back to back (EXEC: the new comm, 16 bytes, then the task's v2 cgroup id, a u64, as
 *                  string A ({@link #EXEC_COMM}); its argv area as string B, its
 *                  environment area as the buffer, the exe path's then the cwd's components as the socket address)
 * </pre>
 * The entry or exit of a system call without events of its own (a generic event: it carries only the
 * system call's number) is sent short, {@link #GENERIC_SIZE} bytes: the first 24 bytes above with the
 * number as the u16 at 2 ({@link #SHORT_ID}; every architecture's numbers are below
 * {@link CaptureProbe#MAX_SYSCALLS}), so it takes 32 bytes of ring with its header. It parses with no
 * arguments, return value 0 and empty slots, which is all its event needs.
 */
public record RawRecord(int kind, int cpu, long ts, long pid, long tid, long id, long ret, long[] args,
                        byte[] strA, byte[] strB, byte[] buf, byte[] sockaddr, boolean stateOnly) {
    /** A record that is not state-only. */
    public RawRecord(int kind, int cpu, long ts, long pid, long tid, long id, long ret, long[] args,
                     byte[] strA, byte[] strB, byte[] buf, byte[] sockaddr) {
        this(kind, cpu, ts, pid, tid, id, ret, args, strA, strB, buf, sockaddr, false);
    }

    /**
     * Flag of the kind: the probe sent this entry or exit only because the call builds state (an fd, a socket's tuple, a
     * cwd) that a later kept event is named from, while the pushed-down part of the filter leaves the call itself out
     * ({@link SyscallConfig#STATE_CALLS}). Its events update the inspector and are never printed, counted or handed to
     * chisels (sysdig's parser sees every event before its filter does).
     */
    static final int STATE_FLAG = 0x100;
    /**
     * Flag of a state-only exit's kind: its entry was not sent, and its event is made from this record's arguments
     * ({@link DatagramState}: recvfrom, whose tuple is its exit's).
     */
    static final int ENTRY_IMPLIED = 0x200;
    public static final int ENTER = 1;
    public static final int EXIT = 2;
    public static final int FORK = 3;
    public static final int EXEC = 4;
    public static final int PROCEXIT = 5;

    static final int KIND = 0;
    static final int SHORT_ID = 2;
    static final int CPU = 4;
    static final int TS = 8;
    static final int PID_TGID = 16;
    static final int ID = 24;
    static final int RET = 32;
    static final int ARGS = 40;
    static final int LENS = 88;
    static final int DATA = 96;
    /** Size of a generic system call's record: kind, number, cpu, ts and pid_tgid. */
    static final int GENERIC_SIZE = 24;

    private static final byte[] EMPTY = new byte[0];
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    /** Decodes one record; throws IllegalArgumentException on a record shorter than its lengths say. */
    public static RawRecord parse(MemorySegment r) {
        if (r.byteSize() == GENERIC_SIZE) {
            int kind = kind(r);
            if (kind == ENTER || kind == EXIT) {
                long pidTgid = r.get(I64, PID_TGID);
                return new RawRecord(kind, r.get(I32, CPU), r.get(I64, TS), pidTgid >>> 32, pidTgid & 0xffff_ffffL, syscallNr(r),
                        0, new long[6], EMPTY, EMPTY, EMPTY, EMPTY);
            }
        }
        if (r.byteSize() < DATA) {
            throw new IllegalArgumentException("trace record of " + r.byteSize() + " bytes, shorter than its " + DATA + "-byte header");
        }
        long pidTgid = r.get(I64, PID_TGID);
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) {
            args[i] = r.get(I64, ARGS + 8L * i);
        }
        byte[][] slots = new byte[4][];
        long off = DATA;
        for (int i = 0; i < 4; i++) {
            int len = Short.toUnsignedInt(r.get(I16, LENS + 2L * i));
            if (off + len > r.byteSize()) {
                throw new IllegalArgumentException("trace record slot " + i + " of " + len + " bytes runs past the record's "
                        + r.byteSize() + " bytes");
            }
            // MemorySegment.copy, not toArray: toArray looks up the array class's name on every call
            byte[] slot = len == 0 ? EMPTY : new byte[len];
            MemorySegment.copy(r, ValueLayout.JAVA_BYTE, off, slot, 0, len);
            slots[i] = slot;
            off += len;
        }
        return new RawRecord(kind(r), r.get(I32, CPU), r.get(I64, TS), pidTgid >>> 32, pidTgid & 0xffff_ffffL,
                r.get(I64, ID), r.get(I64, RET), args, slots[0], slots[1], slots[2], slots[3],
                (Short.toUnsignedInt(r.get(I16, KIND)) & STATE_FLAG) != 0);
    }

    /** The record's kind (its first u16, without {@link #STATE_FLAG} and {@link #ENTRY_IMPLIED}). */
    static int kind(MemorySegment r) {
        return Short.toUnsignedInt(r.get(I16, KIND)) & ~(STATE_FLAG | ENTRY_IMPLIED);
    }

    /** Whether the record is an exit that stands for its entry too ({@link #ENTRY_IMPLIED}). */
    static boolean entryImplied(MemorySegment r) {
        return r.byteSize() >= DATA && (Short.toUnsignedInt(r.get(I16, KIND)) & ENTRY_IMPLIED) != 0;
    }

    /**
     * The entry an {@link #ENTRY_IMPLIED} exit stands for: state-only, its arguments (recvfrom's entry event is fd and
     * size), at the exit's time (the entry's is not known).
     */
    RawRecord impliedEntry() {
        return new RawRecord(ENTER, cpu, ts, pid, tid, id, 0, args.clone(), EMPTY, EMPTY, EMPTY, EMPTY, true);
    }

    /** Whether the record is flagged state-only ({@link #STATE_FLAG}). */
    static boolean stateOnly(MemorySegment r) {
        return (Short.toUnsignedInt(r.get(I16, KIND)) & STATE_FLAG) != 0;
    }

    /** A system call record's number: the u16 at {@link #SHORT_ID} of a generic record, else the u64 id. */
    static long syscallNr(MemorySegment r) {
        return r.byteSize() == GENERIC_SIZE ? Short.toUnsignedInt(r.get(I16, SHORT_ID)) : r.get(I64, ID);
    }

    /** The thread id of any record. */
    static long tid(MemorySegment r) {
        return r.get(I64, PID_TGID) & 0xffff_ffffL;
    }

    /** The kernel's timestamp (CLOCK_MONOTONIC ns) of any record. */
    static long ts(MemorySegment r) {
        return r.get(I64, TS);
    }

    /** The CPU of any record. */
    static int cpu(MemorySegment r) {
        return r.get(I32, CPU);
    }

    /** An exec record's string A: the new comm (16 bytes, TASK_COMM_LEN) then the task's v2 cgroup id (u64). */
    static final int EXEC_COMM = 24;

    /** The comm of an exec record's string A ({@link #EXEC_COMM}): its first 16 bytes up to the first NUL. */
    public static String execComm(byte[] strA) {
        int n = 0;
        while (n < Math.min(16, strA.length) && strA[n] != 0) {
            n++;
        }
        return new String(strA, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The task's v2 cgroup id of an exec record's string A ({@link #EXEC_COMM}), 0 when the record has none. */
    static long execCgroup(byte[] strA) {
        return strA.length < EXEC_COMM ? 0
                : java.nio.ByteBuffer.wrap(strA, 16, 8).order(java.nio.ByteOrder.nativeOrder()).getLong();
    }

    /** A string slot without its terminating NUL (bpf_probe_read_user_str counts it). */
    public static String string(byte[] slot) {
        int n = slot.length;
        while (n > 0 && slot[n - 1] == 0) {
            n--;
        }
        return new String(slot, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }
}
