package io.boxscope.probe.codegen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import io.boxscope.bpf.asm.Asm;
import io.boxscope.bpf.asm.Helper;
import io.boxscope.bpf.asm.Reg;
import io.boxscope.bpf.asm.Size;
import io.boxscope.bpf.symbols.KernelSymbols;
import io.boxscope.probe.lang.ast.Expr;
import io.boxscope.probe.lang.sema.SType;

/**
 * Builtin functions that give an integer ({@code bswap}, {@code strncmp}, {@code kaddr}, {@code cgroupid},
 * {@code ksym}'s address) and {@code signal()}, for {@link ExprGen} and {@link StmtGen}. Values bpftrace
 * resolves when it compiles ({@code kaddr}, {@code cgroupid}) are resolved here too and become constants.
 */
final class CallGen {
    private final Gen g;
    private final Asm a;
    private final ExprGen x;
    private final StrGen strings;
    private KernelSymbols kallsyms;

    CallGen(Gen g, ExprGen x, StrGen strings) {
        this.g = g;
        this.a = g.asm;
        this.x = x;
        this.strings = strings;
    }

    /** A call whose value is an integer, into R0. */
    void integer(Expr.Call c) {
        switch (c.name()) {
            case "ksym", "strerror", "cgroup_path", "kptr", "uptr" -> x.integer(c.args().getFirst());
            case "bswap" -> bswap(c);
            case "strncmp" -> strings.strncmp(c.args().get(0), c.args().get(1), (int) literal(c.args().get(2)));
            case "kaddr" -> a.ldImm64(Reg.R0, kaddr(c));
            case "uaddr" -> a.ldImm64(Reg.R0, g.program.constant(c)); // resolved by the front end (CallTyper.uaddr)
            case "cgroupid" -> a.ldImm64(Reg.R0, cgroupid(c));
            // the context of kprobes, uprobes and usdt probes is the saved struct pt_regs
            case "reg" -> a.ldx(Size.DW, Reg.R0, Gen.CTX, (int) g.program.constant(c));
            default -> throw ExprGen.unsupported(c, c.name() + "() as a value");
        }
    }

    private long literal(Expr e) {
        return switch (e) {
            case Expr.IntLit l -> l.value();
            case Expr.Positional p -> io.boxscope.probe.lang.sema.PositionalParams.value(g.program.options().positionals(), p.index());
            default -> throw ExprGen.unsupported(e, "a length that is not a literal");
        };
    }

    /**
     * ntop(ARRAY) / ntop(af, ARRAY): an IPv4 (4 bytes) or IPv6 (16 bytes) address read from memory, stored as
     * (address family, 16 address bytes) at base + off.
     */
    void ntopArray(Expr.Call c, SType.Array arr, Reg base, int off) {
        Expr addr = c.args().getLast();
        if (c.args().size() == 2) {
            x.integer(c.args().getFirst());
        } else {
            a.movImm(Reg.R0, arr.size() == 16 ? 10 : 2); // AF_INET6 : AF_INET
        }
        a.stx(Size.DW, base, off, Reg.R0);
        if (addr instanceof Expr.Call p && p.name().equals("pton")) {
            pton(p, base, off + 8);
            return;
        }
        if (addr instanceof Expr.Variable v) {
            g.copy(base, off + 8, Reg.R10, x.slot(v), Layouts.round((int) arr.size()), Reg.R0);
            return;
        }
        x.members.address(addr);
        a.mov(Reg.R3, Reg.R0);
        g.addr(Reg.R1, base, off + 8);
        a.movImm(Reg.R2, (int) Math.min(16, arr.size()));
        a.call(x.members.user(addr) ? Helper.PROBE_READ_USER : Helper.PROBE_READ_KERNEL);
    }

    /**
     * buf(ptr, N) / buf(array) / buf("literal", N): a length byte, then N bytes read from the pointer (or the array's
     * place, or the literal's bytes), as {@link io.boxscope.probe.runtime} decodes a {@link SType.Buffer}; an N known
     * only at run time is clamped to the buffer's size.
     */
    void buf(Expr.Call c, SType.Buffer bt, Reg base, int off) {
        Expr src = c.args().getFirst();
        int n = bt.length();
        boolean literalLength = c.args().size() == 1 || c.args().get(1) instanceof Expr.IntLit;
        if (src instanceof Expr.StrLit s) {
            // a string literal's bytes, zero-padded to the buffer's size (bpftrace reads them from its own copy)
            byte[] bytes = s.bytes();
            for (int i = 0; i < n; i++) { // byte stores: the buffer starts after its length byte, unaligned
                a.st(Size.B, base, off + 1 + i, i < bytes.length ? bytes[i] : 0);
            }
            if (literalLength) {
                a.st(Size.B, base, off, n);
            } else {
                clampedLength(c.args().get(1), n);
                a.stx(Size.B, base, off, Reg.R0);
            }
            return;
        }
        // buf(ptr, $n): min($n, the buffer's size) bytes (unsigned, as bpftrace 0.17 selects), decided at run time
        int mark = g.frame.mark();
        int len = 0;
        if (!literalLength) {
            len = g.frame.alloc(8, c.span());
            clampedLength(c.args().get(1), n);
            a.stx(Size.DW, Reg.R10, len, Reg.R0);
            a.stx(Size.B, base, off, Reg.R0);
        }
        if (x.type(src) instanceof SType.Array) {
            x.members.address(src);
        } else {
            x.integer(src);
        }
        a.mov(Reg.R3, Reg.R0);
        g.addr(Reg.R1, base, off + 1);
        if (literalLength) {
            a.movImm(Reg.R2, n);
        } else {
            a.ldx(Size.DW, Reg.R2, Reg.R10, len);
            clamp(Reg.R2, n);
        }
        a.call(x.members.user(src) ? Helper.PROBE_READ_USER : Helper.PROBE_READ_KERNEL);
        if (literalLength) {
            a.st(Size.B, base, off, n);
        }
        g.frame.release(mark);
    }

    /** pton("ADDRESS"): the address bytes (parsed when compiling, as bpftrace does) stored at base + off. */
    void pton(Expr.Call c, Reg base, int off) {
        byte[] addr = io.boxscope.proc.InetText.parse(((Expr.StrLit) c.args().getFirst()).value());
        for (int i = 0; i < addr.length; i++) {
            a.st(Size.B, base, off + i, addr[i]);
        }
    }

    /**
     * cgroup_path(id [, "filter"]): the id and the number of the filter's action (-1 without one), which user space
     * turns into {@code hierarchy:path} entries as bpftrace 0.17 does ({@code runtime.CgroupPaths}).
     */
    void cgroupPath(Expr.Call c, Reg base, int off) {
        x.integer(c.args().getFirst());
        a.stx(Size.DW, base, off, Reg.R0);
        long filter = c.args().size() == 2
                ? g.action(new Action.CgroupPathFilter(((Expr.StrLit) c.args().get(1)).value())) : -1;
        a.ldImm64(Reg.R0, filter);
        a.stx(Size.DW, base, off + 8, Reg.R0);
    }

    /** A length expression into R0, as an unsigned number no larger than {@code max}. */
    void clampedLength(Expr len, int max) {
        x.integer(len);
        clamp(Reg.R0, max);
    }

    /** {@code r = r > max (unsigned) ? max : r}, in a form the verifier reads as bounds on r. */
    void clamp(Reg r, int max) {
        io.boxscope.bpf.asm.Label ok = a.newLabel();
        a.jmp(io.boxscope.bpf.asm.JmpOp.JLE, r, max, ok);
        a.movImm(r, max);
        a.bind(ok);
    }

    /** bswap(x): the bytes of x's integer type reversed (bpftrace's bswap keeps the type's width). */
    private void bswap(Expr.Call c) {
        x.integer(c.args().getFirst());
        SType t = x.type(c);
        int bytes = t instanceof SType.Int i ? i.bytes() : 8;
        if (bytes == 1) {
            return;
        }
        // BPF_END swaps when the target order differs from the host's: to big endian on a little-endian host
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            a.toBe(Reg.R0, bytes * 8);
        } else {
            a.toLe(Reg.R0, bytes * 8);
        }
        if (t instanceof SType.Int i && i.signed()) {
            x.extend(bytes, true);
        }
    }

    /** kaddr("symbol"): the kernel symbol's address from /proc/kallsyms, as bpftrace resolves it when compiling. */
    private long kaddr(Expr.Call c) {
        String name = ((Expr.StrLit) c.args().getFirst()).value();
        try {
            if (kallsyms == null) {
                // the running kernel's symbols: the program runs on this kernel whatever --proc-root says
                kallsyms = KernelSymbols.shared(Path.of("/proc"));
            }
        } catch (IOException e) {
            throw new CodegenException(c.span(), "kaddr: cannot read /proc/kallsyms: " + e.getMessage());
        }
        Optional<Long> address;
        try {
            address = kallsyms.address(name);
        } catch (UncheckedIOException e) {
            // a table of the image's text from the per-boot cache reads the whole file for a name
            throw new CodegenException(c.span(), "kaddr: cannot read /proc/kallsyms: " + e.getCause().getMessage());
        }
        return address.orElseThrow(() -> new CodegenException(c.span(),
                "Failed to resolve kernel symbol: " + name, "check the name in /proc/kallsyms (it must be a kernel symbol)"));
    }

    /**
     * cgroupid("/sys/fs/cgroup/PATH"): the cgroup v2 id, which is the inode number of its directory
     * (kernfs ids, include/linux/kernfs.h; what bpf_get_current_cgroup_id returns).
     */
    private long cgroupid(Expr.Call c) {
        String path = ((Expr.StrLit) c.args().getFirst()).value();
        try {
            return ((Number) Files.getAttribute(Path.of(path), "unix:ino")).longValue();
        } catch (NoSuchFileException e) {
            throw new CodegenException(c.span(), "cgroupid: no such cgroup: " + path,
                    "give the path of a cgroup v2 directory, e.g. /sys/fs/cgroup/system.slice");
        } catch (IOException | UnsupportedOperationException e) {
            throw new CodegenException(c.span(), "cgroupid: cannot read " + path + ": " + e.getMessage());
        }
    }

    /** signal(SIG): bpf_send_signal to the current process (--unsafe was checked by the front end). */
    void signal(Expr.Call c) {
        Expr sig = c.args().getFirst();
        if (sig instanceof Expr.StrLit s) {
            // the name was checked by the front end (CallTyper.signal), against the same table
            a.movImm(Reg.R1, io.boxscope.bpf.Signals.parse(s.value()));
        } else {
            x.integer(sig);
            a.mov(Reg.R1, Reg.R0);
        }
        a.call(Helper.SEND_SIGNAL);
    }

    /** {@code ++x}, {@code x++}, {@code --x}, {@code x--} as a value: R0 = the new value (prefix) or the old one. */
    void incDec(Expr.IncDec i) {
        int delta = i.increment() ? 1 : -1;
        if (i.target() instanceof Expr.Variable v) {
            int slot = x.slot(v);
            a.ldx(Size.DW, Reg.R0, Reg.R10, slot);
            a.mov(Reg.R1, Reg.R0);
            a.add(Reg.R1, delta);
            a.stx(Size.DW, Reg.R10, slot, Reg.R1);
            if (i.prefix()) {
                a.mov(Reg.R0, Reg.R1);
            }
            return;
        }
        Expr.MapRef m = (Expr.MapRef) i.target();
        MapLayout l = g.maps.get(m.name());
        int mark = g.frame.mark();
        int old = g.frame.alloc(8, i.span());
        int now = g.frame.alloc(8, i.span());
        x.integer(m);
        a.stx(Size.DW, Reg.R10, old, Reg.R0);
        a.add(Reg.R0, delta);
        a.stx(Size.DW, Reg.R10, now, Reg.R0);
        Place key = x.key(m, l);
        a.ldMap(Reg.R1, l.kernelName());
        g.addr(Reg.R2, key.base(), key.off());
        g.addr(Reg.R3, Reg.R10, now);
        a.movImm(Reg.R4, 0);
        a.call(Helper.MAP_UPDATE_ELEM);
        g.checkUpdate(l, i.span());
        a.ldx(Size.DW, Reg.R0, Reg.R10, i.prefix() ? now : old);
        g.frame.release(mark);
    }
}
