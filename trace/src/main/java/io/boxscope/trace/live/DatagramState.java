package io.boxscope.trace.live;

import static io.boxscope.trace.live.CaptureProbe.S_CFG;
import static io.boxscope.trace.live.CaptureProbe.S_OFF;
import static io.boxscope.trace.live.CaptureProbe.S_RET;
import static io.boxscope.trace.live.CaptureProbe.S_TID;

import java.util.List;
import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;

/**
 * State-only datagrams that teach the consumer nothing are not sent (issue 13, session 35; docs/trace.md "State-only
 * records"). Under a push-down whose syscall set leaves sendto and recvfrom out ({@link SyscallConfig#OUTSIDE}), each
 * datagram was sent as an entry and an exit record only because libsinsp's parse_rw_exit names a datagram socket after
 * the call's tuple (libs e5c53d64 parsers.cpp; {@code FdRules.sendRecv}). That update is idempotent once applied twice
 * with the same tuple ({@code SocketTuples.datagram} returns "no change" for the same tuple either way round, the role
 * is guessed once, and the second datagram marks the socket connected, {@code FdRules.ioDone}), so the programs keep,
 * per process and fd, the bytes the consumer builds the tuple from (the socket's endpoints, slot 0, and the address,
 * slot 3, with the record's lengths) and how many times those bytes were sent; a datagram whose bytes were sent twice
 * already is not sent again. A record for any other fd-changing call (close, dup2, socket, connect, bind... any
 * {@link SyscallConfig#STATE_CALL} exit) forgets its fd argument's and its result's entries, so a number closed and
 * reused, or a socket connected or bound again, is sent again.
 *
 * <p>sendto's tuple is its entry's (the local end before an autobind: the driver reads it there), so its entry decides
 * and, when it is not sent, leaves the call's number in {@code trace_dgskip} for its thread so that its exit is not
 * sent either. recvfrom's tuple is its exit's, so its entry is never sent (its arguments wait in the inflight map, as
 * for any call whose exit needs them) and its exit, when sent, carries {@link RawRecord#ENTRY_IMPLIED}: the consumer
 * makes the entry event (fd, size: arguments only) from it. Data buffers are not read for these records (the events
 * are never printed). sendmsg and recvmsg (session 36) are the same two cases: sendmsg's tuple is its entry's,
 * recvmsg's its exit's (RECVMSG_E is the fd alone), and of their msghdr only msg_name is read
 * ({@link UserBuffers#msghdr}), so their records have sendto's and recvfrom's layout (slot 0 the endpoints, slot 3 the
 * address); a sendmsg entry sent state-only says size 0 (the iovecs that give it are not read: sinsp's state does not
 * use it).
 */
final class DatagramState {
    private DatagramState() {}

    /** Stack slot of the cache key (tgid &lt;&lt; 32 | fd). */
    static final int S_DKEY = -320;
    /** Bytes compared: the record's four slot lengths, then its first {@link #DATA_BYTES} data bytes. */
    static final int DATA_BYTES = 88;
    /** Largest address (slot 3) cached; a longer one (a unix path) is always sent. */
    static final int ADDR_MAX = DATA_BYTES - KernelObjects.SOCK_INFO;
    /** The cache value: the lengths (8 bytes), the data bytes, then a u64 count of sends. */
    static final int VALUE = 8 + DATA_BYTES + 8;
    static final int ENTRIES = 16384;

    /** The two maps, or null when no datagram call is configured state-only. */
    record Maps(BpfMap cache, BpfMap skip) {}

    /** The maps when {@code config} has a datagram call flagged {@link SyscallConfig#DGRAM}; else null. */
    static Maps maps(byte[] config, List<AutoCloseable> owner) {
        if (!any(config)) {
            return null;
        }
        BpfMap cache = BpfMap.create(MapSpec.of("trace_dgram", MapType.LRU_HASH, 8, VALUE, ENTRIES));
        owner.add(cache);
        BpfMap skip = BpfMap.create(MapSpec.of("trace_dgskip", MapType.LRU_HASH, 4, 8, CaptureProbe.MAX_INFLIGHT));
        owner.add(skip);
        return new Maps(cache, skip);
    }

    static boolean any(byte[] config) {
        for (int nr = 0; nr < CaptureProbe.MAX_SYSCALLS; nr++) {
            if ((config[nr * SyscallConfig.SIZE + SyscallConfig.TRACED] & SyscallConfig.DGRAM) != 0) {
                return true;
            }
        }
        return false;
    }

    private static void dgram(Asm a, Label not) {
        a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.DGRAM)
                .jmp(JmpOp.JEQ, Reg.R1, 0, not);
    }

    /**
     * Entry of a datagram call: recvfrom's is never sent (out; its arguments are in the inflight map already). Emitted
     * after the inflight store.
     */
    static void entryRecv(Asm a, Maps d, Label out) {
        if (d == null) {
            return;
        }
        Label not = a.newLabel("dg_not_recv");
        dgram(a, not);
        a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.SOCK_FD).alu64(AluOp.AND, Reg.R1, SyscallConfig.AT_ENTRY)
                .jmp(JmpOp.JEQ, Reg.R1, 0, out) // the socket read at the exit: a receive
                .bind(not);
    }

    /** Zeroes the address's room (slot 3 right after the endpoints) so that a short address compares whole. */
    static void clearAddress(Asm a, Maps d) {
        if (d == null) {
            return;
        }
        Label not = a.newLabel("dg_noclear");
        dgram(a, not);
        a.ldx(Size.DW, Reg.R1, Reg.R10, S_OFF).jmp(JmpOp.JNE, Reg.R1, RawRecord.DATA + KernelObjects.SOCK_INFO, not);
        for (int i = KernelObjects.SOCK_INFO; i < DATA_BYTES; i += 8) {
            a.st(Size.DW, Reg.R9, RawRecord.DATA + i, 0);
        }
        a.bind(not);
    }

    /**
     * Sends the record in R9 (S_OFF bytes) unless it is a datagram whose tuple bytes were sent twice already; then
     * {@code entry}: leaves the number (R8) for the exit in {@code trace_dgskip}. A receive's exit is flagged
     * {@link RawRecord#ENTRY_IMPLIED}. Replaces {@link CaptureProbe#output} for the decoded records.
     */
    static void output(Asm a, CaptureProbe.Maps m, Maps d, boolean entry, Label out) {
        if (d == null) {
            CaptureProbe.output(a, m, out, null);
            return;
        }
        Label plain = a.newLabel("dg_plain");
        Label fresh = a.newLabel("dg_fresh");
        Label again = a.newLabel("dg_again");
        dgram(a, plain);
        if (entry) {
            // a skip an exit never took (its thread gone in the call, the tid reused) must not cost this call its exit
            a.stx(Size.W, Reg.R10, S_TID, Reg.R7)
                    .ldMapFd(Reg.R1, d.skip().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_TID).call(Helper.MAP_DELETE_ELEM);
        } else {
            // a send's exit goes as its entry went (exitSkipped); a receive's exit carries its entry
            a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.SOCK_FD).alu64(AluOp.AND, Reg.R1, SyscallConfig.AT_ENTRY)
                    .jmp(JmpOp.JNE, Reg.R1, 0, plain);
            implied(a);
        }
        // only a state-only record may be left out (a failed call's exit under failed-only is a kept event)
        a.ldx(Size.H, Reg.R1, Reg.R9, RawRecord.KIND).alu64(AluOp.AND, Reg.R1, RawRecord.STATE_FLAG).jmp(JmpOp.JEQ, Reg.R1, 0, plain);
        // an inet socket's endpoints (slot 0), nothing in slots 1 and 2, a short address: cached; else sent as always
        a.ldx(Size.H, Reg.R1, Reg.R9, RawRecord.LENS).jmp(JmpOp.JNE, Reg.R1, KernelObjects.SOCK_INFO, plain)
                .ldx(Size.H, Reg.R1, Reg.R9, RawRecord.LENS + 2).jmp(JmpOp.JNE, Reg.R1, 0, plain)
                .ldx(Size.H, Reg.R1, Reg.R9, RawRecord.LENS + 4).jmp(JmpOp.JNE, Reg.R1, 0, plain)
                .ldx(Size.H, Reg.R1, Reg.R9, RawRecord.LENS + 6).jmp(JmpOp.JGT, Reg.R1, ADDR_MAX, plain)
                .ldx(Size.DW, Reg.R1, Reg.R9, RawRecord.ARGS).lsh(Reg.R1, 32).rsh(Reg.R1, 32) // the fd: the low 32 bits
                .mov(Reg.R2, Reg.R7).rsh(Reg.R2, 32).lsh(Reg.R2, 32)
                .alu64(AluOp.OR, Reg.R1, Reg.R2).stx(Size.DW, Reg.R10, S_DKEY, Reg.R1)
                .ldMapFd(Reg.R1, d.cache().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_DKEY)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, fresh);
        for (int i = 0; i < 8 + DATA_BYTES; i += 8) {
            a.ldx(Size.DW, Reg.R1, Reg.R0, i).ldx(Size.DW, Reg.R2, Reg.R9, RawRecord.LENS + i).jmp(JmpOp.JNE, Reg.R1, Reg.R2, fresh);
        }
        a.ldx(Size.DW, Reg.R1, Reg.R0, 8 + DATA_BYTES).jmp(JmpOp.JLT, Reg.R1, 2, again);
        // sent twice with these bytes: the consumer's table has them; nothing is sent
        if (entry) {
            a.stx(Size.W, Reg.R10, S_TID, Reg.R7).stx(Size.DW, Reg.R10, S_DKEY, Reg.R8)
                    .ldMapFd(Reg.R1, d.skip().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_TID)
                    .mov(Reg.R3, Reg.R10).add(Reg.R3, S_DKEY).movImm(Reg.R4, 0).call(Helper.MAP_UPDATE_ELEM);
        }
        a.ja(out);
        // sent once with these bytes: send, then count the second
        a.bind(again);
        CaptureProbe.output(a, m, out, out);
        a.ldMapFd(Reg.R1, d.cache().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_DKEY)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, out)
                .st(Size.DW, Reg.R0, 8 + DATA_BYTES, 2).ja(out);
        // new bytes (or none cached): send, then cache them with a count of 1 (the u64 after the compared bytes lies past
        // the record sent: its length is at most DATA + DATA_BYTES)
        a.bind(fresh);
        CaptureProbe.output(a, m, out, out);
        a.st(Size.DW, Reg.R9, RawRecord.DATA + DATA_BYTES, 1)
                .ldMapFd(Reg.R1, d.cache().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_DKEY)
                .mov(Reg.R3, Reg.R9).add(Reg.R3, RawRecord.LENS).movImm(Reg.R4, 0).call(Helper.MAP_UPDATE_ELEM)
                .ja(out);
        a.bind(plain);
        CaptureProbe.output(a, m, out, null);
    }

    /** Sets {@link RawRecord#ENTRY_IMPLIED} in the kind of the record in R9, keeping its other bits. */
    private static void implied(Asm a) {
        a.ldx(Size.H, Reg.R1, Reg.R9, RawRecord.KIND).alu64(AluOp.OR, Reg.R1, RawRecord.ENTRY_IMPLIED)
                .stx(Size.H, Reg.R9, RawRecord.KIND, Reg.R1);
    }

    /**
     * Exit, right after the header (R9 the record, its kind {@link RawRecord#EXIT}): a datagram whose entry was not sent
     * ({@code trace_dgskip} holds its number for this thread) is not sent either (out), unless it failed under a
     * failed-only push-down whose syscall set has it: that exit is a kept event, sent with {@link RawRecord#ENTRY_IMPLIED}
     * (a failed send changes no state, so its entry's tuple is not needed; its fd and size are the exit's arguments).
     * The flag is in the record, not on the stack: a stack flag read at the output made the verifier walk the whole exit
     * path twice (trace_exit 207,847 to 300,657 steps).
     */
    static void exitSkipped(Asm a, Maps d, Label out) {
        if (d == null) {
            return;
        }
        Label not = a.newLabel("dg_exit_sent");
        dgram(a, not);
        a.stx(Size.W, Reg.R10, S_TID, Reg.R7)
                .ldMapFd(Reg.R1, d.skip().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_TID)
                .call(Helper.MAP_LOOKUP_ELEM).jmp(JmpOp.JEQ, Reg.R0, 0, not)
                .ldx(Size.DW, Reg.R1, Reg.R0, 0).jmp(JmpOp.JNE, Reg.R1, Reg.R8, not)
                .ldMapFd(Reg.R1, d.skip().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_TID).call(Helper.MAP_DELETE_ELEM)
                .ldx(Size.DW, Reg.R1, Reg.R10, S_RET).jmp(JmpOp.JSGE, Reg.R1, 0, out)
                .ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.OUTSIDE)
                .jmp(JmpOp.JNE, Reg.R1, 0, out) // a failed call outside the set: state-only, and it changes nothing
                .st(Size.H, Reg.R9, RawRecord.KIND, RawRecord.EXIT | RawRecord.ENTRY_IMPLIED).bind(not);
    }

    /**
     * Exit of any other state call: forgets the cached tuples of its first argument's fd and of its result's (close,
     * dup2's new fd, a socket, an accept, an open, a connect or bind on the socket), so that their next datagram is sent.
     */
    static void forget(Asm a, Maps d) {
        if (d == null) {
            return;
        }
        Label not = a.newLabel("dg_keep");
        a.ldx(Size.B, Reg.R1, Reg.R10, S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.STATE_CALL | SyscallConfig.DGRAM)
                .jmp(JmpOp.JNE, Reg.R1, SyscallConfig.STATE_CALL, not);
        forgetKey(a, d, RawRecord.ARGS, true);
        forgetKey(a, d, S_RET, false);
        a.bind(not);
    }

    private static void forgetKey(Asm a, Maps d, int off, boolean record) {
        a.ldx(Size.DW, Reg.R1, record ? Reg.R9 : Reg.R10, off).lsh(Reg.R1, 32).rsh(Reg.R1, 32).mov(Reg.R2, Reg.R7).rsh(Reg.R2, 32).lsh(Reg.R2, 32)
                .alu64(AluOp.OR, Reg.R1, Reg.R2).stx(Size.DW, Reg.R10, S_DKEY, Reg.R1)
                .ldMapFd(Reg.R1, d.cache().fd()).mov(Reg.R2, Reg.R10).add(Reg.R2, S_DKEY).call(Helper.MAP_DELETE_ELEM);
    }
}
