package io.boxscope.trace.live;

import static io.boxscope.trace.live.CaptureProbe.BLOB_MAX;
import static io.boxscope.trace.live.CaptureProbe.OFF_AFTER_BLOB;
import static io.boxscope.trace.live.CaptureProbe.OFF_AFTER_STRINGS;
import static io.boxscope.trace.live.CaptureProbe.SOCKADDR_MAX;
import static io.boxscope.trace.live.CaptureProbe.STR_MAX;
import static io.boxscope.trace.live.CaptureProbe.S_CFG;
import static io.boxscope.trace.live.CaptureProbe.S_DROP;
import static io.boxscope.trace.live.CaptureProbe.S_KEY;
import static io.boxscope.trace.live.CaptureProbe.S_OFF;
import static io.boxscope.trace.live.CaptureProbe.S_RET;
import static io.boxscope.trace.live.CaptureProbe.S_RING;
import static io.boxscope.trace.live.CaptureProbe.S_TID;
import static io.boxscope.trace.live.CaptureProbe.argOfCfg;
import static io.boxscope.trace.live.CaptureProbe.config;
import static io.boxscope.trace.live.CaptureProbe.header;
import static io.boxscope.trace.live.CaptureProbe.output;
import static io.boxscope.trace.live.CaptureProbe.perCpuRings;
import static io.boxscope.trace.live.CaptureProbe.prologue;
import static io.boxscope.trace.live.CaptureProbe.ringOrDrop;

import java.util.List;
import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.ringbuf.RingBufReader;
import io.boxscope.trace.live.CaptureProbe.Maps;
import io.boxscope.trace.live.CaptureProbe.Options;

/**
 * The code of the capture's {@code sys_enter} and {@code sys_exit} programs ({@link CaptureProbe} loads them): the
 * prologue's filter, the syscall's configuration ({@link SyscallConfig}), the generic record written in place, and
 * for a decoded call the record built in the scratch slot: arguments, strings, the state-only flag
 * ({@link RawRecord#STATE_FLAG}), then what the call's configuration asks for ({@link KernelObjects} for the kernel
 * objects behind its fds, {@link UserBuffers} for the caller's memory, {@link ExecArgv} for an exec's argv).
 */
final class SyscallPrograms {
    private SyscallPrograms() {}

    /** Reads the user string named by configuration byte {@code cfgByte} into the record. */
    private static void string(Asm a, int cfgByte, int slot, int maxOff) {
        Label skip = a.newLabel("str_skip");
        Label ok = a.newLabel("str_ok");
        a.ldx(Size.B, Reg.R3, Reg.R10, S_CFG + cfgByte).jmp(JmpOp.JEQ, Reg.R3, 0, skip);
        argOfCfg(a, Reg.R3);
        a.ldx(Size.DW, Reg.R4, Reg.R10, S_OFF).jmp(JmpOp.JGT, Reg.R4, maxOff, skip)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, Reg.R4).movImm(Reg.R2, STR_MAX)
                .call(Helper.PROBE_READ_USER_STR)
                .jmp(JmpOp.JSGT, Reg.R0, 0, ok).movImm(Reg.R0, 0).bind(ok)
                .jmp(JmpOp.JGT, Reg.R0, STR_MAX, skip)
                .stx(Size.H, Reg.R9, RawRecord.LENS + 2 * slot, Reg.R0)
                .ldx(Size.DW, Reg.R4, Reg.R10, S_OFF).add(Reg.R4, Reg.R0).stx(Size.DW, Reg.R10, S_OFF, Reg.R4)
                .bind(skip);
    }

    /**
     * Copies the six syscall arguments from the {@code struct pt_regs} in ctx->args[0] to the record: with a
     * typed pointer (tp_btf, {@code btf}) six plain loads, which the verifier makes fault-safe; otherwise one
     * bpf_probe_read_kernel of the span holding them (into the data area, not yet used), then six moves.
     */
    private static void arguments(Asm a, Options o, boolean btf) {
        if (btf) {
            a.ldx(Size.DW, Reg.R3, Reg.R6, 0);
            for (int i = 0; i < 6; i++) {
                a.ldx(Size.DW, Reg.R1, Reg.R3, o.regsArgs().get(i)).stx(Size.DW, Reg.R9, RawRecord.ARGS + 8 * i, Reg.R1);
            }
            return;
        }
        int lo = o.regsArgs().stream().mapToInt(Integer::intValue).min().orElseThrow();
        int hi = o.regsArgs().stream().mapToInt(Integer::intValue).max().orElseThrow() + 8;
        a.ldx(Size.DW, Reg.R3, Reg.R6, 0).add(Reg.R3, lo)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, RawRecord.DATA).movImm(Reg.R2, hi - lo)
                .call(Helper.PROBE_READ_KERNEL);
        for (int i = 0; i < 6; i++) {
            a.ldx(Size.DW, Reg.R1, Reg.R9, RawRecord.DATA + o.regsArgs().get(i) - lo)
                    .stx(Size.DW, Reg.R9, RawRecord.ARGS + 8 * i, Reg.R1);
        }
    }

    /** Jumps to {@code generic} for a system call without events of its own ({@link SyscallConfig#DECODED} clear). */
    private static void genericOr(Asm a, Label generic) {
        a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.DECODED)
                .jmp(JmpOp.JEQ, Reg.R1, 0, generic);
    }

    /**
     * A generic system call's record (its events carry only its number): {@link RawRecord#GENERIC_SIZE} bytes
     * (u16 kind, u16 number, u32 CPU, u64 time, u64 pid_tgid) written in place in the ring with
     * {@code bpf_ringbuf_reserve} and {@code bpf_ringbuf_submit}, as libs' modern probe writes its events
     * (driver/modern_bpf: reserve the exact size, fill, submit with BPF_RB_NO_WAKEUP), with no scratch record,
     * argument read, return value or lengths; R8 holds the number (below {@link CaptureProbe#MAX_SYSCALLS}, {@link CaptureProbe#config}).
     * 32 bytes of ring with its header. Reserving instead of building the record on the stack and copying it
     * with {@code bpf_ringbuf_output} cost 20–90 ns less per system call (both programs, bpf_stats, getppid loop,
     * docs/benchmarks.md "trace: where a generic system call's kernel time goes"). The time is read before the
     * reservation, as before: a record's time is never later than the records reserved after it on its CPU.
     */
    private static void genericRecord(Asm a, Maps m, int kind, Label out) {
        Label reserved = a.newLabel("gen_reserved");
        a.call(Helper.KTIME_GET_NS).mov(Reg.R9, Reg.R0);
        ringOrDrop(a, m, out);
        a.movImm(Reg.R2, RawRecord.GENERIC_SIZE).movImm(Reg.R3, 0)
                .call(Helper.RINGBUF_RESERVE).jmp(JmpOp.JNE, Reg.R0, 0, reserved);
        m.drops().emitIncrement(a, S_DROP);
        a.ja(out).bind(reserved)
                .st(Size.H, Reg.R0, RawRecord.KIND, kind).stx(Size.H, Reg.R0, RawRecord.SHORT_ID, Reg.R8)
                .stx(Size.DW, Reg.R0, RawRecord.TS, Reg.R9).stx(Size.DW, Reg.R0, RawRecord.PID_TGID, Reg.R7);
        if (perCpuRings(m)) {
            // the CPU number the ring was looked up by: no second helper call
            a.ldx(Size.W, Reg.R1, Reg.R10, S_RING).stx(Size.W, Reg.R0, RawRecord.CPU, Reg.R1).mov(Reg.R1, Reg.R0);
        } else {
            a.mov(Reg.R9, Reg.R0).call(Helper.GET_SMP_PROCESSOR_ID).stx(Size.W, Reg.R9, RawRecord.CPU, Reg.R0)
                    .mov(Reg.R1, Reg.R9);
        }
        a.movImm(Reg.R2, RingBufReader.BPF_RB_NO_WAKEUP).call(Helper.RINGBUF_SUBMIT).ja(out);
    }

    /** sys_enter; {@code btf}: loaded as tp_btf (ctx->args[0] a typed {@code struct pt_regs *}). */
    static List<Insn> enterProgram(Options o, Maps m, boolean btf) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label noInflight = a.newLabel("no_inflight");
        Label generic = a.newLabel("generic");
        prologue(a, o, m, out, true);
        a.ldx(Size.DW, Reg.R8, Reg.R6, 8); // ctx->args[1]: the syscall number
        config(a, m, out);
        genericOr(a, generic);
        header(a, m, RawRecord.ENTER, out);
        a.stx(Size.DW, Reg.R9, RawRecord.ID, Reg.R8);
        arguments(a, o, btf);
        // the kernel fills a buffer (or, failed-only, the exit reports everything): keep the arguments for the exit
        if (!o.filter().failedOnly()) {
            a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.KEEP_ARGS).jmp(JmpOp.JEQ, Reg.R1, 0, noInflight);
        }
        a.stx(Size.W, Reg.R10, S_TID, Reg.R7)
                .ldMapFd(Reg.R1, m.inflight().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_TID)
                .mov(Reg.R3, Reg.R9).add(Reg.R3, RawRecord.ARGS).movImm(Reg.R4, 0).call(Helper.MAP_UPDATE_ELEM)
                .bind(noInflight);
        DatagramState.entryRecv(a, m.dgram(), out);
        io.boxscope.bpf.syscalls.SyscallTable names = io.boxscope.bpf.syscalls.SyscallTable.current();
        int execve = names.number("execve");
        int execveat = names.number("execveat");
        if (o.filter().failedOnly()) {
            // only failed exits are wanted: the exit reads the strings, from the arguments kept here; but an exec's
            // entry carries the caller's argv and envp, which a failed exec's exit event is made of (ExecArgv; the
            // entry event itself is left out by the filter in Java); and the entry of a call that builds state
            // (SyscallConfig.STATE_CALL) goes out whole, state-only: its exit event is made with it (connect's
            // destination, socket's domain) and sinsp names a failed open's fd from it
            Label stateEntry = a.newLabel("state_entry");
            a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.STATE_CALL)
                    .jmp(JmpOp.JNE, Reg.R1, 0, stateEntry);
            ExecArgv.onlyExec(a, execve, execveat, out);
            ExecArgv.emit(a, execve, execveat, o.fdOffsets() != null ? o.fdOffsets().mm() : null);
            output(a, m, out);
            a.ja(out).bind(stateEntry).st(Size.H, Reg.R9, RawRecord.KIND, RawRecord.ENTER | RawRecord.STATE_FLAG);
        } else {
            stateFlag(a, RawRecord.ENTER);
        }
        string(a, SyscallConfig.STR_A, 0, RawRecord.DATA);
        string(a, SyscallConfig.STR_B, 1, RawRecord.DATA + STR_MAX);
        ExecArgv.emit(a, execve, execveat, o.fdOffsets() != null ? o.fdOffsets().mm() : null);
        // a small struct behind OUT_ADDR with a constant OUT_ADDRLEN, at the entry (ppoll's sigmask): slot 1
        UserBuffers.blob(a, SyscallConfig.OUT_ADDR, SyscallConfig.OUT_ADDRLEN, false, true, 0, 1, RawRecord.DATA + STR_MAX);
        if (o.fdOffsets() != null) {
            KernelObjects.socketInfo(a, o.fdOffsets(), true);
        }
        DatagramState.clearAddress(a, m.dgram()); // before sendmsg's msg_name too
        UserBuffers.msghdr(a, SyscallConfig.MSGHDR_IN, false, Math.min(o.snapLen(), BLOB_MAX), null);
        UserBuffers.blob(a, SyscallConfig.IN_BUF, SyscallConfig.IN_LEN, false, false, Math.min(o.snapLen(), BLOB_MAX), 2, OFF_AFTER_STRINGS);
        UserBuffers.blob(a, SyscallConfig.SOCKADDR, SyscallConfig.SOCKADDR_LEN, false, false, SOCKADDR_MAX, 3, OFF_AFTER_BLOB);
        DatagramState.output(a, m, m.dgram(), true, out);
        a.ja(out).bind(generic);
        if (!o.filter().failedOnly()) { // failed-only: a generic call's entry is no event of the capture
            genericRecord(a, m, RawRecord.ENTER, out);
        }
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }

    /**
     * Flags the record in R9 state-only ({@link RawRecord#STATE_FLAG}) when its call is outside the pushed-down syscall
     * set and configured only because it builds state ({@link SyscallConfig#OUTSIDE}).
     */
    private static void stateFlag(Asm a, int kind) {
        Label inside = a.newLabel("inside_set");
        a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.OUTSIDE)
                .jmp(JmpOp.JEQ, Reg.R1, 0, inside)
                .st(Size.H, Reg.R9, RawRecord.KIND, kind | RawRecord.STATE_FLAG).bind(inside);
    }

    /** sys_exit; {@code btf}: loaded as tp_btf (ctx->args[0] a typed {@code struct pt_regs *}). */
    static List<Insn> exitProgram(Options o, Maps m, boolean btf) {
        Asm a = new Asm();
        Label out = a.newLabel("out");
        Label noArgs = a.newLabel("no_args");
        Label generic = a.newLabel("generic");
        prologue(a, o, m, out, true);
        if (btf) {
            a.ldx(Size.DW, Reg.R3, Reg.R6, 0).ldx(Size.DW, Reg.R8, Reg.R3, o.regsSyscallNr());
        } else {
            a.ldx(Size.DW, Reg.R3, Reg.R6, 0).add(Reg.R3, o.regsSyscallNr())
                    .mov(Reg.R1, Reg.R10).add(Reg.R1, S_KEY).movImm(Reg.R2, 8).call(Helper.PROBE_READ_KERNEL)
                    .ldx(Size.DW, Reg.R8, Reg.R10, S_KEY);
        }
        config(a, m, out);
        a.ldx(Size.DW, Reg.R1, Reg.R6, 8).stx(Size.DW, Reg.R10, S_RET, Reg.R1); // ctx->args[1]: the return value
        genericOr(a, generic);
        header(a, m, RawRecord.EXIT, out);
        a.stx(Size.DW, Reg.R9, RawRecord.ID, Reg.R8).ldx(Size.DW, Reg.R1, Reg.R10, S_RET)
                .stx(Size.DW, Reg.R9, RawRecord.RET, Reg.R1);
        DatagramState.exitSkipped(a, m.dgram(), out);
        arguments(a, o, btf); // still in pt_regs at exit: an exit whose entry was not streamed has them too
        if (!o.filter().failedOnly()) {
            a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.KEEP_ARGS).jmp(JmpOp.JEQ, Reg.R1, 0, noArgs);
        }
        a.stx(Size.W, Reg.R10, S_TID, Reg.R7)
                .ldMapFd(Reg.R1, m.inflight().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_TID)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, noArgs);
        for (int i = 0; i < 6; i++) {
            a.ldx(Size.DW, Reg.R1, Reg.R0, 8 * i).stx(Size.DW, Reg.R9, RawRecord.ARGS + 8 * i, Reg.R1);
        }
        a.ldMapFd(Reg.R1, m.inflight().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_TID).call(Helper.MAP_DELETE_ELEM)
                .bind(noArgs);
        DatagramState.forget(a, m.dgram());
        stateFlag(a, RawRecord.EXIT);
        if (o.filter().failedOnly()) {
            // a successful exit: out, unless the call builds state (SyscallConfig.STATE_CALL): then state-only
            Label failed = a.newLabel("exit_failed");
            a.ldx(Size.DW, Reg.R1, Reg.R10, S_RET).jmp(JmpOp.JSLT, Reg.R1, 0, failed)
                    .ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.STATE_CALL)
                    .jmp(JmpOp.JEQ, Reg.R1, 0, out)
                    .st(Size.H, Reg.R9, RawRecord.KIND, RawRecord.EXIT | RawRecord.STATE_FLAG).bind(failed);
            string(a, SyscallConfig.STR_A, 0, RawRecord.DATA);
            string(a, SyscallConfig.STR_B, 1, RawRecord.DATA + STR_MAX);
        } else {
            // open, openat...: the paths again at the exit (SyscallConfig.STR_EXIT), whose event carries them
            Label noPath = a.newLabel("no_exit_path");
            a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.STR_EXIT)
                    .jmp(JmpOp.JEQ, Reg.R1, 0, noPath);
            string(a, SyscallConfig.STR_A, 0, RawRecord.DATA);
            // and the second one (rename, link, symlink...: the driver reads both at the exit); none configured: no read
            string(a, SyscallConfig.STR_B, 1, RawRecord.DATA + STR_MAX);
            a.bind(noPath);
        }
        if (o.fdOffsets() != null) {
            KernelObjects.socketInfo(a, o.fdOffsets(), false);
            KernelObjects.pipeFds(a, o.fdOffsets());
            if (o.fdOffsets().mm() != null) {
                KernelObjects.mmCounters(a, o.fdOffsets().mm());
            }
        }
        // readv and the like end their reads there (nothing else configured): the verifier then walks their
        // iovec loop's exits once, not once more through every path of the reads below
        Label iovDone = a.newLabel("iov_done");
        DatagramState.clearAddress(a, m.dgram()); // before recvmsg's msg_name too
        UserBuffers.msghdr(a, SyscallConfig.MSGHDR_OUT, true, Math.min(o.snapLen(), BLOB_MAX), iovDone);
        UserBuffers.blob(a, SyscallConfig.OUT_BUF, SyscallConfig.IN_LEN, true, false, Math.min(o.snapLen(), BLOB_MAX), 2, OFF_AFTER_STRINGS);
        UserBuffers.outAddr(a, Math.min(o.snapLen(), BLOB_MAX));
        UserBuffers.ids(a);
        a.bind(iovDone);
        DatagramState.output(a, m, m.dgram(), false, out);
        a.ja(out).bind(generic);
        if (o.filter().failedOnly()) {
            a.ldx(Size.DW, Reg.R1, Reg.R10, S_RET).jmp(JmpOp.JSGE, Reg.R1, 0, out);
        }
        genericRecord(a, m, RawRecord.EXIT, out);
        a.bind(out).movImm(Reg.R0, 0).exit();
        return a.build();
    }
}
