package io.boxscope.probe.lang.sema;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfException;
import io.boxscope.bpf.btf.BtfKind;
import io.boxscope.bpf.btf.FuncSignature;

/**
 * The {@code args} record of a raw tracepoint or kfunc, typed from BTF: the context is an array of
 * u64 slots, one per argument (kernel/trace/bpf_trace.c, bpf_trace_run*; fentry likewise), so
 * argument i sits at offset 8*i.
 */
final class ArgsFromBtf {
    private final TypeFactory factory;

    ArgsFromBtf(TypeFactory factory) {
        this.factory = factory;
    }

    SType.Record record(Attach a) throws BtfException {
        Btf btf = factory.btf();
        String name = a.target().getFirst();
        if (btf == null) {
            throw new BtfException("typed args of " + a.name() + " need the kernel's BTF, which this kernel lacks; use arg0..argN");
        }
        FuncSignature sig;
        String prefix;
        if (a.kind() == ProbeKind.RAWTRACEPOINT) {
            sig = btf.rawTracepointSignature(name);
            prefix = "struct _rawtracepoint_";
        } else {
            OptionalInt id = btf.findId(name, BtfKind.FUNC);
            if (id.isEmpty()) {
                throw new BtfException("no function " + name + " in the kernel's BTF");
            }
            sig = btf.signature(id.getAsInt());
            prefix = "struct _kfunc_";
        }
        List<String> names = a.kind() == ProbeKind.RAWTRACEPOINT ? paramNames(btf, name, sig.params().size()) : List.of();
        List<SType.RecordField> fields = new ArrayList<>();
        long[] slots = a.kind() == ProbeKind.RAWTRACEPOINT ? null : FentrySlots.of(btf, sig);
        long off = 0;
        for (FuncSignature.Arg arg : sig.params()) {
            int i = fields.size();
            String n = !arg.name().isEmpty() ? arg.name() : i < names.size() && !names.get(i).isEmpty() ? names.get(i) : "arg" + i;
            off = slots == null ? 8L * i : slots[i];
            fields.add(new SType.RecordField(n, factory.fromBtf(arg.typeId()), off, FieldAccess.Layout.PLAIN));
        }
        return new SType.Record(prefix + name, slots == null ? 8L * sig.params().size() : slots[sig.params().size()], -1, fields);
    }

    /**
     * A raw tracepoint's prototype (typedef btf_trace_X) has no parameter names; the kernel's
     * {@code __bpf_trace_X} (or, since 6.10, {@code __probestub_X}) function has them after its
     * {@code void *__data} (include/trace/bpf_probe.h).
     */
    private static List<String> paramNames(Btf btf, String tp, int count) throws BtfException {
        for (String fn : List.of("__bpf_trace_" + tp, "__probestub_" + tp)) {
            OptionalInt id = btf.findId(fn, BtfKind.FUNC);
            if (id.isEmpty()) {
                continue;
            }
            List<FuncSignature.Arg> ps = btf.signature(id.getAsInt()).params();
            if (ps.size() == count + 1) {
                return ps.subList(1, ps.size()).stream().map(FuncSignature.Arg::name).toList();
            }
        }
        return List.of();
    }
}
