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
        List<SType.RecordField> fields = new ArrayList<>();
        long off = 0;
        for (FuncSignature.Arg arg : sig.params()) {
            String n = arg.name().isEmpty() ? "arg" + fields.size() : arg.name();
            fields.add(new SType.RecordField(n, factory.fromBtf(arg.typeId()), off, FieldAccess.Layout.PLAIN));
            off += 8;
        }
        return new SType.Record(prefix + name, off, -1, fields);
    }
}
