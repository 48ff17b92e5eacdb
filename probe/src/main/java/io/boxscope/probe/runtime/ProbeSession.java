package io.boxscope.probe.runtime;

import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import io.boxscope.bpf.BpfException;
import io.boxscope.bpf.collection.BpfCollection;
import io.boxscope.bpf.link.Attach;
import io.boxscope.bpf.link.Link;
import io.boxscope.bpf.map.BpfMap;
import io.boxscope.bpf.prog.Program;
import io.boxscope.bpf.prog.VerifierException;
import io.boxscope.bpf.ringbuf.RingBufReader;
import io.boxscope.bpf.sys.Cpus;
import io.boxscope.probe.codegen.Action;
import io.boxscope.probe.codegen.CompiledScript;
import io.boxscope.probe.codegen.MapLayout;
import io.boxscope.probe.lang.sema.ProbeKind;
import io.boxscope.probe.output.Event;
import io.boxscope.probe.output.MapDump;
import io.boxscope.probe.output.Output;
import io.boxscope.probe.output.Value;

/**
 * One run of a compiled script, bpftrace's life cycle: {@link #load} (maps and programs, verifier
 * errors as one paragraph), {@link #attach} (every probe but BEGIN/END), {@link #begin} (BEGIN runs
 * once through BPF_PROG_TEST_RUN, as bpftrace runs it), {@link #poll} (ring-buffer records become
 * output: printf, print, clear, zero, exit), then {@link #finish}: detach, run END, print what is left
 * and every map. Output goes to a sink as strings; nothing here prints. Not thread-safe: one thread
 * runs the session (signals only ask it to stop).
 */
public final class ProbeSession implements AutoCloseable {
    private final CompiledScript script;
    private final BpfCollection collection;
    private final Output output;
    private final ValueDecoder values;
    private final MapReader reader;
    private final RingBufReader ring;
    private final List<Link> links = new ArrayList<>();
    private boolean exited;
    private int targetPid = -1;
    private Consumer<String> errors = e -> { };
    private long lostReported;

    private ProbeSession(CompiledScript script, BpfCollection collection, Output output) {
        this.script = script;
        this.collection = collection;
        this.output = output;
        this.values = new ValueDecoder(script.probeNames(), new Stacks(collection.map("stacks"), java.nio.file.Path.of("/proc")));
        this.reader = new MapReader(values);
        this.ring = new RingBufReader(collection.map("events"));
    }

    /** Creates the maps and loads the programs; {@code source} names the script in messages. */
    public static ProbeSession load(CompiledScript script, Output output, String source) throws ProbeRunException {
        BpfCollection c;
        try {
            c = BpfCollection.load(script.spec());
        } catch (VerifierException e) {
            CompiledScript.Unit unit = script.units().stream().filter(u -> e.getMessage().contains(u.program()))
                    .findFirst().orElse(script.units().getFirst());
            throw new ProbeRunException(VerifierMessage.of(source, unit, e), e);
        }
        try {
            return new ProbeSession(script, c, output);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Attaches every probe that fires on its own and returns bpftrace's {@code Attaching N probes...}. */
    public String attach() throws ProbeRunException {
        for (CompiledScript.Unit u : script.units()) {
            Program p = collection.program(u.program());
            for (CompiledScript.Target t : u.attaches()) {
                List<String> target = t.attach().target();
                try {
                    switch (u.kind()) {
                        case TRACEPOINT -> links.add(collection.attach(u.program(),
                                x -> Attach.tracepoint(x, target.get(0), target.get(1), t.cookie())));
                        case INTERVAL -> links.add(collection.attach(u.program(), x -> Attach.perfEvent(x,
                                Attach.SoftwareEvent.CPU_CLOCK, Attach.Sampling.period(periodNanos(t.attach().target().getFirst(),
                                        t.attach().number())), Cpus.online().getFirst(), t.cookie())));
                        case RAWTRACEPOINT -> links.add(collection.attach(u.program(),
                                x -> Attach.rawTracepoint(x, target.getFirst())));
                        case PROFILE -> links.add(collection.attach(u.program(), x -> Attach.perfEventEveryCpu(x,
                                Attach.SoftwareEvent.CPU_CLOCK, target.getFirst().equals("hz")
                                        ? Attach.Sampling.frequency(t.attach().number())
                                        : Attach.Sampling.period(periodNanos(target.getFirst(), t.attach().number())), t.cookie())));
                        case UPROBE, URETPROBE -> links.add(collection.attach(u.program(), x -> Attach.uprobe(x,
                                java.nio.file.Path.of(target.get(0)), target.get(1), u.kind() == ProbeKind.URETPROBE, targetPid)));
                        case BEGIN, END -> { }
                        default -> throw new ProbeRunException("cannot attach " + t.attach().name()
                                + ": " + u.kind().label() + " probes are not supported by the runtime yet", null);
                    }
                } catch (BpfException e) {
                    throw new ProbeRunException("cannot attach " + t.attach().name() + " (line " + u.line() + "): "
                            + e.getMessage(), e);
                }
            }
            if (p == null) {
                throw new IllegalStateException("program " + u.program() + " missing");
            }
        }
        return output.render(new Event.Attached(script.probeCount()));
    }

    static long periodNanos(String unit, long n) {
        return switch (unit) {
            case "s" -> n * 1_000_000_000L;
            case "ms" -> n * 1_000_000L;
            case "us" -> n * 1_000L;
            case "hz" -> 1_000_000_000L / Math.max(1, n);
            default -> throw new IllegalArgumentException("interval unit " + unit);
        };
    }

    /** Where run-time errors of actions go (a {@code cat()} of a missing file), one line each; ignored by default. */
    public void onError(Consumer<String> sink) {
        this.errors = sink;
    }

    /**
     * Restricts every probe (but BEGIN/END) to tasks in the cgroup v2 directory {@code dir} and its
     * descendants ({@code --container}); the script must have been compiled with a cgroup filter.
     */
    public void filterCgroup(java.nio.file.Path dir) {
        BpfMap m = collection.map("cgroup");
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            io.boxscope.bpf.sys.Sys.Result r = io.boxscope.bpf.sys.Sys.openat(a.allocateFrom(dir.toString()), 0);
            if (r.failed()) {
                throw new BpfException("open cgroup directory " + dir, r.errno(), "is the container still running?");
            }
            try {
                byte[] fd = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt((int) r.value()).array();
                m.update(new byte[4], fd, BpfMap.ANY);
            } finally {
                io.boxscope.bpf.sys.Sys.close((int) r.value());
            }
        }
    }

    /** bpftrace's {@code -p PID}: uprobes and uretprobes fire only in this process (call before {@link #attach}). */
    public void targetPid(int pid) {
        this.targetPid = pid;
    }

    /** Sets {@code cpid} (the {@code -c} command's pid) before the command runs. */
    public void setCommandPid(long pid) {
        byte[] v = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder()).putLong(pid).array();
        collection.map("cpid").update(new byte[4], v, BpfMap.ANY);
    }

    /** Runs the BEGIN probes and writes what they print. */
    public void begin(Consumer<String> out) {
        runSpecial(ProbeKind.BEGIN);
        drain(out);
    }

    /** Waits up to {@code timeout} for records and writes their output; true once {@code exit()} ran. */
    public boolean poll(Duration timeout, Consumer<String> out) throws InterruptedException {
        if (!exited) {
            ring.poll(r -> handle(r.toArray(ValueLayout.JAVA_BYTE), out), timeout);
        }
        reportLost(out);
        return exited;
    }

    public boolean exited() {
        return exited;
    }

    /** Detaches every probe, runs END, writes the records left and then every map, as bpftrace does at exit. */
    public void finish(Consumer<String> out) {
        for (Link l : links) {
            l.close();
        }
        if (!exited) {
            drain(out);
        } else {
            ring.drain(r -> { });
        }
        exited = false;
        runSpecial(ProbeKind.END);
        drain(out);
        exited = true;
        reportLost(out);
        List<MapDump> maps = new ArrayList<>();
        for (MapLayout l : script.maps().values()) {
            maps.add(reader.read(l, collection.map(l.kernelName())));
        }
        out.accept(output.render(new Event.Exit(maps)));
    }

    /**
     * Every script map as it is now, read back and decoded (stacks symbolized while their processes
     * are alive), for callers that want figures rather than bpftrace's text: the tools and diagnose.
     */
    public List<MapDump> maps() {
        List<MapDump> maps = new ArrayList<>();
        for (MapLayout l : script.maps().values()) {
            maps.add(reader.read(l, collection.map(l.kernelName())));
        }
        return maps;
    }

    /** Detaches every probe (idempotent): what the maps hold stops changing. */
    public void detach() {
        for (Link l : links) {
            l.close();
        }
        links.clear();
    }

    /** Events the ring buffer dropped since the session started. */
    public long lost() {
        return ValueDecoder.u64(collection.map("lost").lookup(new byte[4]), 0);
    }

    private void runSpecial(ProbeKind kind) {
        for (CompiledScript.Unit u : script.units()) {
            if (u.kind() == kind) {
                collection.program(u.program()).run();
            }
        }
    }

    private void drain(Consumer<String> out) {
        ring.drain(r -> {
            if (!exited) {
                handle(r.toArray(ValueLayout.JAVA_BYTE), out);
            }
        });
    }

    private void reportLost(Consumer<String> out) {
        long lost = ValueDecoder.u64(collection.map("lost").lookup(new byte[4]), 0);
        if (lost > lostReported) {
            out.accept(output.render(new Event.Lost(lost - lostReported)));
            lostReported = lost;
        }
    }

    private void handle(byte[] rec, Consumer<String> out) {
        if (exited) {
            return;
        }
        long id = ValueDecoder.u64(rec, 0);
        if (id < 0 || id >= script.actions().size()) {
            throw new IllegalStateException("ring buffer record with unknown action " + id);
        }
        switch (script.actions().get((int) id)) {
            case Action.Printf p -> {
                List<Value> args = new ArrayList<>();
                for (int i = 0; i < p.types().size(); i++) {
                    args.add(values.decode(p.types().get(i), rec, p.offsets().get(i), false));
                }
                out.accept(output.render(new Event.Printf(p.format(), args)));
            }
            case Action.PrintValue v -> out.accept(output.render(new Event.Print(values.decode(v.type(), rec, 8, false))));
            case Action.PrintMap m -> {
                MapLayout l = script.maps().get(m.map());
                out.accept(output.render(new Event.PrintMap(reader.read(l, collection.map(l.kernelName())), m.top(), m.div())));
            }
            case Action.Clear c -> clear(script.maps().get(c.map()), false);
            case Action.Zero z -> clear(script.maps().get(z.map()), true);
            case Action.Exit e -> exited = true;
            case Action.Time t -> out.accept(output.render(new Event.Time(t.format(), java.time.ZonedDateTime.now())));
            case Action.Cat c -> {
                List<Value> args = new ArrayList<>();
                for (int i = 0; i < c.types().size(); i++) {
                    args.add(values.decode(c.types().get(i), rec, c.offsets().get(i), false));
                }
                String path = new io.boxscope.probe.output.Printf(c.format()).apply(args);
                try {
                    out.accept(output.render(new Event.Message(io.boxscope.probe.output.MessageType.CAT,
                            java.nio.file.Files.readString(java.nio.file.Path.of(path), java.nio.charset.StandardCharsets.UTF_8))));
                } catch (java.io.IOException | java.io.UncheckedIOException e) {
                    errors.accept("cat(): failed to open file '" + path + "': " + e.getMessage());
                }
            }
        }
    }

    /** clear(): delete every entry (an array is zeroed instead); zero(): every value set to 0, keys kept. */
    private void clear(MapLayout l, boolean zero) {
        BpfMap m = collection.map(l.kernelName());
        byte[] zeros = new byte[m.valueBufferSize()];
        for (byte[] k : m.keys()) {
            if (zero || l.isArray()) {
                m.update(k, zeros, BpfMap.ANY);
            } else {
                m.delete(k);
            }
        }
    }

    /** The BPF instructions of every program, disassembled ({@code -v}). */
    public static String disassembly(CompiledScript script) {
        StringBuilder sb = new StringBuilder();
        for (var p : script.spec().programs()) {
            sb.append("; program ").append(p.name()).append(" (").append(p.type()).append(")\n");
            sb.append(io.boxscope.bpf.asm.Disassembler.dump(p.insns()));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        try {
            ring.close();
        } finally {
            collection.close();
        }
    }
}
