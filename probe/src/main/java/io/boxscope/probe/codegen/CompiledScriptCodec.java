package io.boxscope.probe.codegen;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.bpf.asm.Insn;
import io.boxscope.bpf.asm.MapRef;
import io.boxscope.bpf.collection.CollectionSpec;
import io.boxscope.bpf.map.MapSpec;
import io.boxscope.bpf.map.MapType;
import io.boxscope.bpf.prog.AttachType;
import io.boxscope.bpf.prog.ProgramSpec;
import io.boxscope.bpf.prog.ProgramType;
import io.boxscope.probe.lang.sema.AggKind;
import io.boxscope.probe.lang.sema.Attach;
import io.boxscope.probe.lang.sema.FieldAccess;
import io.boxscope.probe.lang.sema.MapInfo;
import io.boxscope.probe.lang.sema.ProbeKind;
import io.boxscope.probe.lang.sema.SType;
import io.boxscope.probe.lang.sema.SpecialKind;
import io.boxscope.probe.lang.sema.StackMode;

/**
 * What the runtime needs of a {@link CompiledScript}, as bytes and back: the collection (map specs, each program's
 * instructions, license, attach type and symbolic map references), the units and their attach points, the script
 * maps' layouts with their types, the action table, the probe names and the map-update sites. The checked program
 * (AST and types) is not kept: a decoded script has {@code checked() == null}, and only scripts without warnings
 * are encoded ({@link #encode} refuses others), so nothing the command prints from it is lost.
 *
 * <p>Decoding trusts nothing: every count and length is bounded by what is left, enum names must name a constant,
 * and the records' own constructors check the rest ({@link CollectionSpec}: unique names, map references on wide
 * loads naming a map of the collection). A malformed input is an {@link IOException}; the kernel's verifier still
 * checks every instruction at load, as for a freshly compiled script.
 */
public final class CompiledScriptCodec {
    private CompiledScriptCodec() {}

    /** The bytes of {@code s}, which must have been compiled here (not decoded) and have no warnings. */
    public static byte[] encode(CompiledScript s) {
        if (s.checked() == null || !s.checked().warnings().isEmpty()) {
            throw new IllegalArgumentException("only a freshly compiled script without warnings is encoded");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try (DataOutputStream o = new DataOutputStream(bytes)) {
            o.writeInt(s.spec().maps().size());
            for (MapSpec m : s.spec().maps()) {
                o.writeUTF(m.name());
                o.writeUTF(m.type().name());
                o.writeInt(m.keySize());
                o.writeInt(m.valueSize());
                o.writeInt(m.maxEntries());
                o.writeInt(m.flags());
            }
            o.writeInt(s.spec().programs().size());
            for (ProgramSpec p : s.spec().programs()) {
                o.writeUTF(p.name());
                o.writeUTF(p.type().name());
                byte[] code = Insn.toBytes(p.insns());
                o.writeInt(code.length);
                o.write(code);
                o.writeUTF(p.license());
                o.writeUTF(p.expectedAttachType().name());
                o.writeInt(p.attachBtfId());
                o.writeInt(p.mapRefs().size());
                for (MapRef r : p.mapRefs()) {
                    o.writeInt(r.insn());
                    o.writeUTF(r.map());
                    o.writeBoolean(r.value());
                    o.writeInt(r.offset());
                }
            }
            o.writeInt(s.units().size());
            for (CompiledScript.Unit u : s.units()) {
                o.writeUTF(u.program());
                o.writeUTF(u.kind().name());
                o.writeInt(u.attaches().size());
                for (CompiledScript.Target t : u.attaches()) {
                    writeAttach(o, t.attach());
                    o.writeLong(t.cookie());
                }
                o.writeInt(u.line());
                o.writeUTF(u.probeText());
            }
            o.writeInt(s.maps().size());
            for (Map.Entry<String, MapLayout> e : s.maps().entrySet()) {
                MapLayout l = e.getValue();
                o.writeUTF(e.getKey());
                o.writeUTF(l.info().name());
                writeType(o, l.info().key());
                writeType(o, l.info().value());
                o.writeInt(l.info().aggArgs().size());
                for (long a : l.info().aggArgs()) {
                    o.writeLong(a);
                }
                o.writeUTF(l.kernelName());
                o.writeUTF(l.type().name());
                o.writeInt(l.keySize());
                o.writeInt(l.valueSize());
                o.writeInt(l.maxEntries());
                o.writeBoolean(l.signedSum());
            }
            o.writeInt(s.actions().size());
            for (Action a : s.actions()) {
                writeAction(o, a);
            }
            writeStrings(o, s.probeNames());
            o.writeInt(s.updateSites().size());
            for (UpdateSite u : s.updateSites()) {
                o.writeUTF(u.map());
                o.writeInt(u.line());
                o.writeInt(u.column());
                o.writeLong(u.capacity());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** The script {@code bytes} hold ({@code checked() == null}); IOException when they are not one. */
    public static CompiledScript decode(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
        try {
            Reader r = new Reader(in, bytes.length);
            List<MapSpec> maps = new ArrayList<>();
            for (int i = r.count(); i > 0; i--) {
                maps.add(new MapSpec(in.readUTF(), r.constant(MapType.values()), in.readInt(), in.readInt(), in.readInt(), in.readInt()));
            }
            List<ProgramSpec> programs = new ArrayList<>();
            for (int i = r.count(); i > 0; i--) {
                String name = in.readUTF();
                ProgramType type = r.constant(ProgramType.values());
                int len = r.count();
                if (len % 8 != 0) {
                    throw new IOException("program " + name + ": " + len + " bytes of instructions, not a multiple of 8 (one instruction)");
                }
                byte[] code = new byte[len];
                in.readFully(code);
                List<Insn> insns = Insn.decode(code);
                String license = in.readUTF();
                AttachType expected = r.constant(AttachType.values());
                int btfId = in.readInt();
                List<MapRef> refs = new ArrayList<>();
                for (int j = r.count(); j > 0; j--) {
                    refs.add(new MapRef(in.readInt(), in.readUTF(), in.readBoolean(), in.readInt()));
                }
                programs.add(new ProgramSpec(name, type, insns, license, expected, btfId, refs));
            }
            List<CompiledScript.Unit> units = new ArrayList<>();
            for (int i = r.count(); i > 0; i--) {
                String program = in.readUTF();
                ProbeKind kind = r.constant(ProbeKind.values());
                List<CompiledScript.Target> targets = new ArrayList<>();
                for (int j = r.count(); j > 0; j--) {
                    targets.add(new CompiledScript.Target(readAttach(r), in.readLong()));
                }
                units.add(new CompiledScript.Unit(program, kind, targets, in.readInt(), in.readUTF()));
            }
            Map<String, MapLayout> layouts = new LinkedHashMap<>();
            for (int i = r.count(); i > 0; i--) {
                String key = in.readUTF();
                String name = in.readUTF();
                SType k = readType(r, 0);
                SType v = readType(r, 0);
                List<Long> aggArgs = new ArrayList<>();
                for (int j = r.count(); j > 0; j--) {
                    aggArgs.add(in.readLong());
                }
                layouts.put(key, new MapLayout(new MapInfo(name, k, v, aggArgs), in.readUTF(), r.constant(MapType.values()),
                        in.readInt(), in.readInt(), in.readInt(), in.readBoolean()));
            }
            List<Action> actions = new ArrayList<>();
            for (int i = r.count(); i > 0; i--) {
                actions.add(readAction(r));
            }
            List<String> probeNames = readStrings(r);
            List<UpdateSite> sites = new ArrayList<>();
            for (int i = r.count(); i > 0; i--) {
                sites.add(new UpdateSite(in.readUTF(), in.readInt(), in.readInt(), in.readLong()));
            }
            if (in.available() != 0) {
                throw new IOException(in.available() + " bytes left over after the script");
            }
            return new CompiledScript(null, new CollectionSpec(maps, programs), units, layouts, actions, probeNames, sites);
        } catch (java.io.EOFException e) {
            throw new IOException("truncated", e);
        } catch (IllegalArgumentException | NullPointerException | IndexOutOfBoundsException e) {
            throw new IOException("not a compiled script: " + e.getMessage(), e);
        }
    }

    /** Bounds every count by the bytes there are, and reads enum constants by name. */
    private record Reader(DataInputStream in, int length) {
        int count() throws IOException {
            int n = in.readInt();
            if (n < 0 || n > length) {
                throw new IOException("count " + n + " out of range");
            }
            return n;
        }

        /**
         * The constant of {@code all} named next. A loop, not {@code Enum.valueOf}: that builds its name table by
         * reflection on first use of each enum, a cost a cold JVM pays per type.
         */
        <E extends Enum<E>> E constant(E[] all) throws IOException {
            String name = in.readUTF();
            for (E e : all) {
                if (e.name().equals(name)) {
                    return e;
                }
            }
            throw new IOException("no constant named " + name + " in " + all.getClass().getComponentType().getSimpleName());
        }
    }

    private static void writeStrings(DataOutputStream o, List<String> list) throws IOException {
        o.writeInt(list.size());
        for (String s : list) {
            o.writeUTF(s);
        }
    }

    private static List<String> readStrings(Reader r) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = r.count(); i > 0; i--) {
            out.add(r.in().readUTF());
        }
        return out;
    }

    private static void writeAttach(DataOutputStream o, Attach a) throws IOException {
        o.writeUTF(a.kind().name());
        o.writeUTF(a.name());
        writeStrings(o, a.target());
        o.writeLong(a.number());
    }

    private static Attach readAttach(Reader r) throws IOException {
        return new Attach(r.constant(ProbeKind.values()), r.in().readUTF(), readStrings(r), r.in().readLong());
    }

    private static void writeNullable(DataOutputStream o, String s) throws IOException {
        o.writeBoolean(s != null);
        if (s != null) {
            o.writeUTF(s);
        }
    }

    private static String readNullable(Reader r) throws IOException {
        return r.in().readBoolean() ? r.in().readUTF() : null;
    }

    private static void writeTypes(DataOutputStream o, List<SType> types) throws IOException {
        o.writeInt(types.size());
        for (SType t : types) {
            writeType(o, t);
        }
    }

    private static List<SType> readTypes(Reader r, int depth) throws IOException {
        List<SType> out = new ArrayList<>();
        for (int i = r.count(); i > 0; i--) {
            out.add(readType(r, depth));
        }
        return out;
    }

    private static void writeInts(DataOutputStream o, List<Integer> ints) throws IOException {
        o.writeInt(ints.size());
        for (int i : ints) {
            o.writeInt(i);
        }
    }

    private static List<Integer> readInts(Reader r) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (int i = r.count(); i > 0; i--) {
            out.add(r.in().readInt());
        }
        return out;
    }

    private static void writeType(DataOutputStream o, SType t) throws IOException {
        switch (t) {
            case SType.None n -> o.writeByte(0);
            case SType.Int i -> {
                o.writeByte(1);
                o.writeInt(i.bytes());
                o.writeBoolean(i.signed());
            }
            case SType.Str s -> {
                o.writeByte(2);
                o.writeInt(s.bytes());
            }
            case SType.Ptr p -> {
                o.writeByte(3);
                writeType(o, p.pointee());
            }
            case SType.Record rec -> {
                o.writeByte(4);
                writeNullable(o, rec.name());
                o.writeLong(rec.size());
                o.writeInt(rec.btfId());
                o.writeInt(rec.fields().size());
                for (SType.RecordField f : rec.fields()) {
                    o.writeUTF(f.name());
                    writeType(o, f.type());
                    o.writeLong(f.offset());
                    o.writeUTF(f.layout().name());
                    o.writeInt(f.bitShift());
                    o.writeInt(f.bitSize());
                }
            }
            case SType.Array a -> {
                o.writeByte(5);
                writeType(o, a.element());
                o.writeInt(a.length());
            }
            case SType.Tuple tu -> {
                o.writeByte(6);
                writeTypes(o, tu.elements());
            }
            case SType.Stack s -> {
                o.writeByte(7);
                o.writeBoolean(s.user());
                o.writeUTF(s.mode().name());
                o.writeInt(s.limit());
            }
            case SType.Special s -> {
                o.writeByte(8);
                o.writeUTF(s.kind().name());
            }
            case SType.Buffer b -> {
                o.writeByte(9);
                o.writeInt(b.length());
            }
            case SType.Agg a -> {
                o.writeByte(10);
                o.writeUTF(a.kind().name());
            }
        }
    }

    /** Types nest (pointers, records, tuples); a depth bound keeps a crafted input from overflowing the stack. */
    private static final int MAX_DEPTH = 64;

    private static SType readType(Reader r, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("types nested deeper than " + MAX_DEPTH);
        }
        DataInputStream in = r.in();
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case 0 -> new SType.None();
            case 1 -> new SType.Int(in.readInt(), in.readBoolean());
            case 2 -> new SType.Str(in.readInt());
            case 3 -> new SType.Ptr(readType(r, depth + 1));
            case 4 -> {
                String name = readNullable(r);
                long size = in.readLong();
                int btfId = in.readInt();
                List<SType.RecordField> fields = new ArrayList<>();
                for (int i = r.count(); i > 0; i--) {
                    fields.add(new SType.RecordField(in.readUTF(), readType(r, depth + 1), in.readLong(),
                            r.constant(FieldAccess.Layout.values()), in.readInt(), in.readInt()));
                }
                yield new SType.Record(name, size, btfId, fields);
            }
            case 5 -> new SType.Array(readType(r, depth + 1), in.readInt());
            case 6 -> new SType.Tuple(readTypes(r, depth + 1));
            case 7 -> new SType.Stack(in.readBoolean(), r.constant(StackMode.values()), in.readInt());
            case 8 -> new SType.Special(r.constant(SpecialKind.values()));
            case 9 -> new SType.Buffer(in.readInt());
            case 10 -> new SType.Agg(r.constant(AggKind.values()));
            default -> throw new IOException("unknown type tag " + tag);
        };
    }

    private static void writeAction(DataOutputStream o, Action a) throws IOException {
        switch (a) {
            case Action.Printf p -> {
                o.writeByte(0);
                o.writeUTF(p.format());
                writeTypes(o, p.types());
                writeInts(o, p.offsets());
                o.writeInt(p.size());
            }
            case Action.PrintMap p -> {
                o.writeByte(1);
                o.writeUTF(p.map());
                o.writeLong(p.top());
                o.writeLong(p.div());
            }
            case Action.PrintValue p -> {
                o.writeByte(2);
                writeType(o, p.type());
            }
            case Action.Clear c -> {
                o.writeByte(3);
                o.writeUTF(c.map());
            }
            case Action.Zero z -> {
                o.writeByte(4);
                o.writeUTF(z.map());
            }
            case Action.Time t -> {
                o.writeByte(5);
                writeNullable(o, t.format());
            }
            case Action.Cat c -> {
                o.writeByte(6);
                o.writeUTF(c.format());
                writeTypes(o, c.types());
                writeInts(o, c.offsets());
            }
            case Action.Join j -> {
                o.writeByte(7);
                o.writeUTF(j.delimiter());
                o.writeInt(j.count());
                o.writeInt(j.size());
            }
            case Action.StrftimeFormat f -> {
                o.writeByte(8);
                writeNullable(o, f.format());
            }
            case Action.CgroupPathFilter f -> {
                o.writeByte(9);
                writeNullable(o, f.filter());
            }
            case Action.System s -> {
                o.writeByte(10);
                o.writeUTF(s.format());
                writeTypes(o, s.types());
                writeInts(o, s.offsets());
            }
            case Action.Exit e -> o.writeByte(11);
        }
    }

    private static Action readAction(Reader r) throws IOException {
        DataInputStream in = r.in();
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case 0 -> new Action.Printf(in.readUTF(), readTypes(r, 0), readInts(r), in.readInt());
            case 1 -> new Action.PrintMap(in.readUTF(), in.readLong(), in.readLong());
            case 2 -> new Action.PrintValue(readType(r, 0));
            case 3 -> new Action.Clear(in.readUTF());
            case 4 -> new Action.Zero(in.readUTF());
            case 5 -> new Action.Time(readNullable(r));
            case 6 -> new Action.Cat(in.readUTF(), readTypes(r, 0), readInts(r));
            case 7 -> new Action.Join(in.readUTF(), in.readInt(), in.readInt());
            case 8 -> new Action.StrftimeFormat(readNullable(r));
            case 9 -> new Action.CgroupPathFilter(readNullable(r));
            case 10 -> new Action.System(in.readUTF(), readTypes(r, 0), readInts(r));
            case 11 -> new Action.Exit();
            default -> throw new IOException("unknown action tag " + tag);
        };
    }
}
