package io.boxscope.trace.live;

import io.boxscope.bpf.asm.AluOp;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.JmpOp;
import io.boxscope.bpf.asm.Label;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;

/**
 * The parts of {@link CaptureProbe}'s programs that copy caller memory whose size the configuration gives
 * ({@link SyscallConfig}): a buffer behind an argument (its length an argument, the return value, a constant or a
 * count of 8-byte items), the iovecs behind a msghdr or a readv-family call, and what the kernel wrote behind an
 * address argument (recvfrom's source address, getsockopt's optval). They use the programs' stack slots
 * and record layout ({@link RawRecord}) as CaptureProbe defines them.
 */
final class UserBuffers {
    private UserBuffers() {}

    /**
     * Reads a user buffer into the record: its address is the argument named by configuration byte
     * {@code cfgByte}; its length the argument named by {@code lenCfgByte}, or at the exit ({@code exit}) the
     * return value; at most {@code cap} bytes. A length byte with {@link SyscallConfig#LEN_CONST} gives the length
     * itself (its low 6 bits: a struct timespec, rlimit, off_t, sigset; with {@link SyscallConfig#LEN_PER8} too, that many
     * 8-byte words: quotactl's 72-byte struct if_dqblk); with {@link SyscallConfig#LEN_PER8} the
     * argument it names counts 8-byte items (poll's nfds of struct pollfd), read whole up to {@link CaptureProbe#BLOB_MAX}
     * bytes (not cut to the snap length; more items: the first ones, and {@link EventBuilder#truncatedLists} counts the cut). {@code constOnly}: read nothing unless the length is constant.
     * A buffer byte with {@link SyscallConfig#BUF_STR} is a string: read with {@code bpf_probe_read_user_str} up to the
     * length, its length then what that read (its NUL included).
     */
    static void blob(Asm a, int cfgByte, int lenCfgByte, boolean exit, boolean constOnly, int cap, int slot, int maxOff) {
        Label skip = a.newLabel("blob_skip");
        Label capped = a.newLabel("blob_capped");
        Label konst = a.newLabel("blob_const");
        Label per8 = a.newLabel("blob_per8");
        Label have = a.newLabel("blob_have");
        // the verifier's bound of a read: the data slot has room for BLOB_MAX after OFF_AFTER_STRINGS, the others
        // for their own cap and a constant length
        int bound = slot == 2 ? CaptureProbe.BLOB_MAX : Math.max(cap, 64);
        a.ldx(Size.B, Reg.R3, Reg.R10, CaptureProbe.S_CFG + cfgByte).jmp(JmpOp.JEQ, Reg.R3, 0, skip)
                .ldx(Size.B, Reg.R2, Reg.R10, CaptureProbe.S_CFG + lenCfgByte)
                .mov(Reg.R1, Reg.R2).alu64(AluOp.AND, Reg.R1, SyscallConfig.LEN_CONST).jmp(JmpOp.JNE, Reg.R1, 0, konst)
                .mov(Reg.R1, Reg.R2).alu64(AluOp.AND, Reg.R1, SyscallConfig.LEN_PER8).jmp(JmpOp.JNE, Reg.R1, 0, per8);
        if (constOnly) {
            a.ja(skip);
        } else if (exit) {
            a.ldx(Size.DW, Reg.R2, Reg.R10, CaptureProbe.S_RET).jmp(JmpOp.JSLE, Reg.R2, 0, skip);
        } else {
            a.jmp(JmpOp.JEQ, Reg.R2, 0, skip);
            CaptureProbe.argOfCfg(a, Reg.R2);
            a.lsh(Reg.R2, 32).rsh(Reg.R2, 32); // an int or size_t count: beyond 4 GiB is capped anyway
        }
        if (!constOnly) {
            a.jmp(JmpOp.JLE, Reg.R2, cap, capped).movImm(Reg.R2, cap).bind(capped).ja(have);
        }
        Label words = a.newLabel("blob_const_words");
        a.bind(konst).mov(Reg.R1, Reg.R2).alu64(AluOp.AND, Reg.R1, SyscallConfig.LEN_PER8).alu64(AluOp.AND, Reg.R2, 0x3f)
                .jmp(JmpOp.JNE, Reg.R1, 0, words).ja(have)
                .bind(words).lsh(Reg.R2, 3).ja(have);
        a.bind(per8);
        CaptureProbe.argOfCfg(a, Reg.R2);
        Label items = a.newLabel("blob_items");
        // more items than fit: the first ones (EventBuilder counts the list as cut)
        a.lsh(Reg.R2, 32).rsh(Reg.R2, 32).jmp(JmpOp.JLE, Reg.R2, bound / 8, items).movImm(Reg.R2, bound / 8)
                .bind(items).lsh(Reg.R2, 3);
        Label str = a.newLabel("blob_str");
        Label read = a.newLabel("blob_read");
        a.bind(have).jmp(JmpOp.JEQ, Reg.R2, 0, skip).stx(Size.DW, Reg.R10, CaptureProbe.S_LEN, Reg.R2)
                .mov(Reg.R1, Reg.R3).alu64(AluOp.AND, Reg.R1, SyscallConfig.BUF_STR).jmp(JmpOp.JNE, Reg.R1, 0, str);
        CaptureProbe.argOfCfg(a, Reg.R3);
        a.ldx(Size.DW, Reg.R4, Reg.R10, CaptureProbe.S_OFF).jmp(JmpOp.JGT, Reg.R4, maxOff, skip)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, Reg.R4)
                .ldx(Size.DW, Reg.R2, Reg.R10, CaptureProbe.S_LEN).jmp(JmpOp.JGT, Reg.R2, bound, skip)
                .call(Helper.PROBE_READ_USER).jmp(JmpOp.JEQ, Reg.R0, 0, read);
        if (exit) {
            constWordsAgain(a, cfgByte, lenCfgByte, bound, maxOff, read);
        }
        a.ja(skip);
        // a string: up to its NUL (at most the length), its length what was read
        a.bind(str);
        CaptureProbe.argOfCfg(a, Reg.R3);
        a.ldx(Size.DW, Reg.R4, Reg.R10, CaptureProbe.S_OFF).jmp(JmpOp.JGT, Reg.R4, maxOff, skip)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, Reg.R4)
                .ldx(Size.DW, Reg.R2, Reg.R10, CaptureProbe.S_LEN).jmp(JmpOp.JGT, Reg.R2, bound, skip)
                .call(Helper.PROBE_READ_USER_STR).jmp(JmpOp.JSLE, Reg.R0, 0, skip).jmp(JmpOp.JGT, Reg.R0, bound, skip)
                .stx(Size.DW, Reg.R10, CaptureProbe.S_LEN, Reg.R0);
        a.bind(read)
                .ldx(Size.DW, Reg.R2, Reg.R10, CaptureProbe.S_LEN).stx(Size.H, Reg.R9, RawRecord.LENS + 2 * slot, Reg.R2)
                .ldx(Size.DW, Reg.R4, Reg.R10, CaptureProbe.S_OFF).add(Reg.R4, Reg.R2).stx(Size.DW, Reg.R10, CaptureProbe.S_OFF, Reg.R4)
                .bind(skip);
    }

    /**
     * A failed read (its length stays 0) of a constant length in words (a struct read whole, of which the call may use
     * only a first part: quotactl's if_dqinfo in its if_dqblk's place) is read again up to the end of the 4 KiB
     * page it starts in (a mapping ends at a page boundary, a multiple of 4 KiB on every page size).
     * Only at the exit, where the one such length is configured (quotactl's OUT_BUF). Goes to {@code read} when read.
     */
    private static void constWordsAgain(Asm a, int cfgByte, int lenCfgByte, int bound, int maxOff, Label read) {
        Label fail = a.newLabel("blob_again_fail");
        a.ldx(Size.B, Reg.R1, Reg.R10, CaptureProbe.S_CFG + lenCfgByte).alu64(AluOp.AND, Reg.R1, SyscallConfig.LEN_CONST | SyscallConfig.LEN_PER8)
                .jmp(JmpOp.JNE, Reg.R1, SyscallConfig.LEN_CONST | SyscallConfig.LEN_PER8, fail)
                .ldx(Size.B, Reg.R3, Reg.R10, CaptureProbe.S_CFG + cfgByte);
        CaptureProbe.argOfCfg(a, Reg.R3);
        a.mov(Reg.R2, Reg.R3).alu64(AluOp.AND, Reg.R2, 4095).mov(Reg.R1, Reg.R2).movImm(Reg.R2, 4096).alu64(AluOp.SUB, Reg.R2, Reg.R1)
                .ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_LEN).jmp(JmpOp.JGE, Reg.R2, Reg.R1, fail) // within one page: failed
                .stx(Size.DW, Reg.R10, CaptureProbe.S_LEN, Reg.R2)
                .ldx(Size.DW, Reg.R4, Reg.R10, CaptureProbe.S_OFF).jmp(JmpOp.JGT, Reg.R4, maxOff, fail)
                .mov(Reg.R1, Reg.R9).add(Reg.R1, Reg.R4)
                .ldx(Size.DW, Reg.R2, Reg.R10, CaptureProbe.S_LEN).jmp(JmpOp.JGT, Reg.R2, bound, fail).jmp(JmpOp.JEQ, Reg.R2, 0, fail)
                .call(Helper.PROBE_READ_USER).jmp(JmpOp.JEQ, Reg.R0, 0, read);
        a.bind(fail);
    }

    /**
     * Copies R2 bytes (at most {@code cap}) from the iovec in S_IOV to the data slot at S_SLOT after the S_TOT bytes it
     * holds (R4: S_TOT, at most {@code cap}), and adds them to S_TOT and the slot's length; a failed read goes to
     * {@code end}. The slot's start (at most OFF_AFTER_IOVS) plus what it holds (at most the snap length) bounds
     * the destination for the verifier.
     */
    private static void iovCopy(Asm a, int cap, Label end) {
        a.jmp(JmpOp.JGT, Reg.R2, cap, end).jmp(JmpOp.JGT, Reg.R4, cap, end)
                .ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_SLOT).jmp(JmpOp.JGT, Reg.R1, CaptureProbe.OFF_AFTER_IOVS, end)
                .add(Reg.R1, Reg.R4).add(Reg.R1, Reg.R9).stx(Size.DW, Reg.R10, CaptureProbe.S_LEN, Reg.R2)
                .ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_IOV).call(Helper.PROBE_READ_USER).jmp(JmpOp.JNE, Reg.R0, 0, end)
                .ldx(Size.DW, Reg.R2, Reg.R10, CaptureProbe.S_LEN)
                .ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_TOT).add(Reg.R1, Reg.R2).stx(Size.DW, Reg.R10, CaptureProbe.S_TOT, Reg.R1)
                .stx(Size.H, Reg.R9, RawRecord.LENS + 4, Reg.R1);
    }

    /**
     * sendmsg (entry) and recvmsg (exit, when it returned ≥ 0): from the struct user_msghdr the
     * configuration names (LP64 layout: msg_name 0, msg_namelen 8, msg_iov 16, msg_iovlen 24), its first
     * {@link CaptureProbe#IOV_MAX} iovecs as slot 1, the first iovec's buffer as slot 2 (up to its length, the snap
     * length and, at exit, the return value) and msg_name as slot 3. A call sent state-only for its tuple
     * ({@link SyscallConfig#DGRAM}) reads msg_name only: sinsp's parse_rw_exit reads nothing else of these events (the
     * tuple of SENDMSG_E and of RECVMSG_X; its data buffer only for fd listeners and protocol decoders, which a
     * state-only event never reaches: libs e5c53d64 parsers.cpp), and slots 1 and 2 empty put the name right after the
     * socket's endpoints, where {@link DatagramState} compares it.
     *
     * <p>With {@link SyscallConfig#IOV} in the configuration byte (readv, writev, preadv, pwritev) the argument is
     * the iovec array itself and the next argument its count: the array is slot 1 at the entry and the exit
     * (whatever the result: the driver's size adds the lengths up even for a failed call), and at the exit the
     * buffers of its iovecs (up to {@link CaptureProbe#IOV_MAX}), merged, are slot 2 (parse_readv_writev_bufs of libs
     * e5c53d64's driver/ppm_events.c): up to the snap length, and for a read (no {@link SyscallConfig#IOV_WRITE})
     * only when it returned &gt; 0 and up to the return value; a write's buffers whatever it returned, as the
     * driver copies them (its "retval" there is the snap length).
     */
    static void msghdr(Asm a, int cfgByte, boolean exit, int snap, Label iovDone) {
        Label skip = a.newLabel("msg_skip");
        Label noIov = a.newLabel("msg_no_iov");
        Label noData = a.newLabel("msg_no_data");
        Label iovArgs = a.newLabel("msg_iov_args");
        Label haveMsg = a.newLabel("msg_have");
        int cap = Math.max(snap, 1);
        a.ldx(Size.B, Reg.R3, Reg.R10, CaptureProbe.S_CFG + cfgByte).jmp(JmpOp.JEQ, Reg.R3, 0, skip)
                .mov(Reg.R1, Reg.R3).alu64(AluOp.AND, Reg.R1, SyscallConfig.IOV).jmp(JmpOp.JNE, Reg.R1, 0, iovArgs);
        if (exit) {
            a.ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_RET).jmp(JmpOp.JSLT, Reg.R1, 0, skip);
        }
        CaptureProbe.argOfCfg(a, Reg.R3);
        a.jmp(JmpOp.JEQ, Reg.R3, 0, skip).mov(Reg.R1, Reg.R10).add(Reg.R1, CaptureProbe.S_MSG).movImm(Reg.R2, 56)
                .call(Helper.PROBE_READ_USER).jmp(JmpOp.JNE, Reg.R0, 0, skip)
                // a datagram sent state-only (SyscallConfig.DGRAM): only msg_name, the tuple sinsp's parser reads
                .ldx(Size.B, Reg.R1, Reg.R10, CaptureProbe.S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.DGRAM)
                .jmp(JmpOp.JNE, Reg.R1, 0, noData).ja(haveMsg);
        // readv and the like: the iovec array and its count are the argument and the next one; no name
        a.bind(iovArgs).mov(Reg.R4, Reg.R3);
        CaptureProbe.argOfCfg(a, Reg.R3);
        a.stx(Size.DW, Reg.R10, CaptureProbe.S_MSG + 16, Reg.R3).st(Size.DW, Reg.R10, CaptureProbe.S_MSG, 0).mov(Reg.R3, Reg.R4).add(Reg.R3, 1);
        CaptureProbe.argOfCfg(a, Reg.R3);
        a.stx(Size.DW, Reg.R10, CaptureProbe.S_MSG + 24, Reg.R3);
        a.bind(haveMsg).ldx(Size.DW, Reg.R2, Reg.R10, CaptureProbe.S_MSG + 24);
        CaptureProbe.cap(a, CaptureProbe.IOV_MAX);
        a.lsh(Reg.R2, 4).stx(Size.DW, Reg.R10, CaptureProbe.S_LEN, Reg.R2)
                .ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_MSG + 16).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R3)
                .jmp(JmpOp.JEQ, Reg.R3, 0, noIov);
        CaptureProbe.readSlot(a, Helper.PROBE_READ_USER, CaptureProbe.IOV_MAX * 16, 1, RawRecord.DATA + CaptureProbe.STR_MAX, noIov);
        a.bind(noIov);
        Label msgData = a.newLabel("msg_data");
        Label limited = a.newLabel("msg_limited");
        a.ldx(Size.B, Reg.R1, Reg.R10, CaptureProbe.S_CFG + cfgByte).alu64(AluOp.AND, Reg.R1, SyscallConfig.IOV).jmp(JmpOp.JEQ, Reg.R1, 0, msgData);
        if (!exit) {
            a.ja(skip); // the entry of writev, pwritev: the lengths only
        } else {
            // the bytes still to copy: the snap length, and for a read the return value
            a.movImm(Reg.R2, cap).ldx(Size.B, Reg.R1, Reg.R10, CaptureProbe.S_CFG + cfgByte).alu64(AluOp.AND, Reg.R1, SyscallConfig.IOV_WRITE)
                    .jmp(JmpOp.JNE, Reg.R1, 0, limited)
                    .ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_RET).jmp(JmpOp.JSLE, Reg.R1, 0, iovDone)
                    .jmp(JmpOp.JLE, Reg.R2, Reg.R1, limited).mov(Reg.R2, Reg.R1)
                    .bind(limited).stx(Size.DW, Reg.R10, CaptureProbe.S_REM, Reg.R2).st(Size.DW, Reg.R10, CaptureProbe.S_TOT, 0)
                    .ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_OFF).jmp(JmpOp.JGT, Reg.R1, CaptureProbe.OFF_AFTER_IOVS, iovDone)
                    .stx(Size.DW, Reg.R10, CaptureProbe.S_SLOT, Reg.R1);
            // one bounded loop over the iovecs (at most IOV_MAX, the array's own limit), not unrolled copies: each turn
            // reads iovec j and copies its whole buffer after the ones before it while it fits in the bytes still to
            // copy (S_REM, the limit, less S_TOT); the one that does not fit is copied in part and ends the loop. So
            // one path goes on from each turn (the verifier walks the turns one after the other, not their
            // combinations), and S_OFF is set once, after the loop.
            Label loop = a.newLabel("iov_loop");
            Label end = a.newLabel("iov_end");
            Label last = a.newLabel("iov_last");
            a.st(Size.DW, Reg.R10, CaptureProbe.S_IDX, 0).bind(loop)
                    .ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_IDX).jmp(JmpOp.JGE, Reg.R3, CaptureProbe.IOV_COPY, end)
                    .ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_MSG + 24).jmp(JmpOp.JLE, Reg.R1, Reg.R3, end)
                    .lsh(Reg.R3, 4).ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_MSG + 16).add(Reg.R3, Reg.R1)
                    .mov(Reg.R1, Reg.R10).add(Reg.R1, CaptureProbe.S_IOV).movImm(Reg.R2, 16).call(Helper.PROBE_READ_USER)
                    .jmp(JmpOp.JNE, Reg.R0, 0, end)
                    .ldx(Size.DW, Reg.R2, Reg.R10, CaptureProbe.S_IOV + 8).ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_REM)
                    .ldx(Size.DW, Reg.R4, Reg.R10, CaptureProbe.S_TOT).jmp(JmpOp.JGE, Reg.R4, Reg.R1, end).sub(Reg.R1, Reg.R4)
                    .jmp(JmpOp.JGT, Reg.R2, Reg.R1, last);
            iovCopy(a, cap, end);
            a.ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_IDX).add(Reg.R1, 1).stx(Size.DW, Reg.R10, CaptureProbe.S_IDX, Reg.R1)
                    .ja(loop)
                    .bind(last).mov(Reg.R2, Reg.R1);
            iovCopy(a, cap, end);
            // the record's end: after the slot's bytes (a failed read stored none of its own). The registers and the
            // loop's own slots are set to constants first: while the loop is being walked the verifier compares the
            // states here exactly, dead registers and slots included, so that the exits of every turn after the
            // second are the same state and are pruned, not walked through the rest of the program again
            a.bind(end);
            for (Reg r : new Reg[] {Reg.R0, Reg.R1, Reg.R2, Reg.R3, Reg.R4, Reg.R5}) {
                a.movImm(r, 0);
            }
            a.st(Size.DW, Reg.R10, CaptureProbe.S_IDX, 0).st(Size.DW, Reg.R10, CaptureProbe.S_LEN, 0).ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_SLOT).ldx(Size.DW, Reg.R2, Reg.R10, CaptureProbe.S_TOT)
                    .add(Reg.R1, Reg.R2).stx(Size.DW, Reg.R10, CaptureProbe.S_OFF, Reg.R1).ja(iovDone);
        }
        a.bind(msgData)
                .ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_MSG + 16).jmp(JmpOp.JEQ, Reg.R3, 0, noData)
                .ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_MSG + 24).jmp(JmpOp.JEQ, Reg.R1, 0, noData)
                .mov(Reg.R1, Reg.R10).add(Reg.R1, CaptureProbe.S_IOV).movImm(Reg.R2, 16).call(Helper.PROBE_READ_USER)
                .jmp(JmpOp.JNE, Reg.R0, 0, noData)
                .ldx(Size.DW, Reg.R2, Reg.R10, CaptureProbe.S_IOV + 8);
        if (exit) {
            Label le = a.newLabel("msg_le_ret");
            a.ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_RET).jmp(JmpOp.JLE, Reg.R2, Reg.R1, le).mov(Reg.R2, Reg.R1).bind(le);
        }
        CaptureProbe.cap(a, snap);
        a.stx(Size.DW, Reg.R10, CaptureProbe.S_LEN, Reg.R2).ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_IOV).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R3);
        CaptureProbe.readSlot(a, Helper.PROBE_READ_USER, Math.max(snap, 1), 2, CaptureProbe.OFF_AFTER_IOVS, noData);
        a.bind(noData)
                .ldx(Size.DW, Reg.R3, Reg.R10, CaptureProbe.S_MSG).jmp(JmpOp.JEQ, Reg.R3, 0, skip).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R3)
                .ldx(Size.W, Reg.R2, Reg.R10, CaptureProbe.S_MSG + 8);
        CaptureProbe.cap(a, CaptureProbe.SOCKADDR_MAX);
        a.stx(Size.DW, Reg.R10, CaptureProbe.S_LEN, Reg.R2);
        CaptureProbe.readSlot(a, Helper.PROBE_READ_USER, CaptureProbe.SOCKADDR_MAX, 3, CaptureProbe.OFF_AFTER_IOVS + CaptureProbe.BLOB_MAX, skip);
        a.bind(skip);
    }

    /**
     * getresuid, getresgid ({@link SyscallConfig#IDS}): the u32 behind each of the record's arguments 1, 2 and 3, back to
     * back into the buffer slot (slot 2, 12 bytes). bpf_probe_read_user zeroes what it fails to read (kernel/trace/
     * bpf_trace.c bpf_probe_read_user_common), so an unreadable id is 0, as the driver's _READ gives.
     */
    static void ids(Asm a) {
        Label skip = a.newLabel("ids_skip");
        a.ldx(Size.B, Reg.R1, Reg.R10, CaptureProbe.S_CFG + SyscallConfig.TRACED).alu64(AluOp.AND, Reg.R1, SyscallConfig.IDS)
                .jmp(JmpOp.JEQ, Reg.R1, 0, skip);
        for (int i = 0; i < 3; i++) {
            a.ldx(Size.DW, Reg.R4, Reg.R10, CaptureProbe.S_OFF).jmp(JmpOp.JGT, Reg.R4, CaptureProbe.OFF_AFTER_STRINGS, skip)
                    .mov(Reg.R1, Reg.R9).add(Reg.R1, Reg.R4).add(Reg.R1, 4 * i).movImm(Reg.R2, 4)
                    .ldx(Size.DW, Reg.R3, Reg.R9, RawRecord.ARGS + 8 * i).call(Helper.PROBE_READ_USER);
        }
        a.st(Size.H, Reg.R9, RawRecord.LENS + 2 * 2, 12)
                .ldx(Size.DW, Reg.R4, Reg.R10, CaptureProbe.S_OFF).add(Reg.R4, 12).stx(Size.DW, Reg.R10, CaptureProbe.S_OFF, Reg.R4)
                .bind(skip);
    }

    /**
     * The socket address the kernel wrote to the caller's memory (recvfrom's src_addr, its length from the
     * int its addrlen argument points to) as slot 3, when the call returned ≥ 0.
     *
     * <p>getsockopt ({@link SyscallConfig#LEN_SOCKOPT}) as libs e5c53d64's f_sys_getsockopt_x (driver/ppm_fillers.c):
     * the u32 behind optlen, whole, as slot 2 (the event's optlen), and optval up to it and the snap length
     * ({@code snap}) as slot 3, whether the call failed or not (a failed call leaves the caller's optlen).
     */
    static void outAddr(Asm a, int snap) {
        Label skip = a.newLabel("oaddr_skip");
        Label addr = a.newLabel("oaddr_addr");
        Label read = a.newLabel("oaddr_read");
        a.ldx(Size.B, Reg.R3, Reg.R10, CaptureProbe.S_CFG + SyscallConfig.OUT_ADDRLEN).jmp(JmpOp.JEQ, Reg.R3, 0, skip)
                .mov(Reg.R1, Reg.R3).alu64(AluOp.AND, Reg.R1, SyscallConfig.LEN_CONST).jmp(JmpOp.JNE, Reg.R1, 0, skip) // read at the entry
                .ldx(Size.B, Reg.R1, Reg.R10, CaptureProbe.S_CFG + SyscallConfig.OUT_ADDR).jmp(JmpOp.JEQ, Reg.R1, 0, skip)
                .mov(Reg.R1, Reg.R3).alu64(AluOp.AND, Reg.R1, SyscallConfig.LEN_SOCKOPT).jmp(JmpOp.JNE, Reg.R1, 0, read)
                .ldx(Size.DW, Reg.R1, Reg.R10, CaptureProbe.S_RET).jmp(JmpOp.JSLT, Reg.R1, 0, skip)
                .bind(read);
        CaptureProbe.argOfCfg(a, Reg.R3);
        a.jmp(JmpOp.JEQ, Reg.R3, 0, skip).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R3).st(Size.DW, Reg.R10, CaptureProbe.S_LEN, 0)
                .mov(Reg.R1, Reg.R10).add(Reg.R1, CaptureProbe.S_LEN).movImm(Reg.R2, 4).call(Helper.PROBE_READ_USER)
                .jmp(JmpOp.JNE, Reg.R0, 0, skip)
                .ldx(Size.B, Reg.R1, Reg.R10, CaptureProbe.S_CFG + SyscallConfig.OUT_ADDRLEN).alu64(AluOp.AND, Reg.R1, SyscallConfig.LEN_SOCKOPT)
                .jmp(JmpOp.JEQ, Reg.R1, 0, addr)
                // getsockopt: the length whole (slot 2, read again from the pointer in CaptureProbe.S_SRC), then optval
                .ldx(Size.W, Reg.R1, Reg.R10, CaptureProbe.S_LEN).stx(Size.DW, Reg.R10, CaptureProbe.S_TOT, Reg.R1).st(Size.DW, Reg.R10, CaptureProbe.S_LEN, 4);
        CaptureProbe.readSlot(a, Helper.PROBE_READ_USER, 4, 2, CaptureProbe.OFF_AFTER_STRINGS, skip);
        a.ldx(Size.DW, Reg.R2, Reg.R10, CaptureProbe.S_TOT);
        CaptureProbe.cap(a, Math.max(snap, 1));
        a.stx(Size.DW, Reg.R10, CaptureProbe.S_LEN, Reg.R2).ldx(Size.B, Reg.R3, Reg.R10, CaptureProbe.S_CFG + SyscallConfig.OUT_ADDR);
        CaptureProbe.argOfCfg(a, Reg.R3);
        a.jmp(JmpOp.JEQ, Reg.R3, 0, skip).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R3);
        CaptureProbe.readSlot(a, Helper.PROBE_READ_USER, Math.max(snap, 1), 3, CaptureProbe.OFF_AFTER_STRINGS, skip);
        a.ja(skip);
        a.bind(addr).ldx(Size.W, Reg.R2, Reg.R10, CaptureProbe.S_LEN);
        CaptureProbe.cap(a, CaptureProbe.SOCKADDR_MAX);
        a.stx(Size.DW, Reg.R10, CaptureProbe.S_LEN, Reg.R2).ldx(Size.B, Reg.R3, Reg.R10, CaptureProbe.S_CFG + SyscallConfig.OUT_ADDR);
        CaptureProbe.argOfCfg(a, Reg.R3);
        a.jmp(JmpOp.JEQ, Reg.R3, 0, skip).stx(Size.DW, Reg.R10, CaptureProbe.S_SRC, Reg.R3);
        CaptureProbe.readSlot(a, Helper.PROBE_READ_USER, CaptureProbe.SOCKADDR_MAX, 3, CaptureProbe.OFF_AFTER_BLOB, skip);
        a.bind(skip);
    }
}
