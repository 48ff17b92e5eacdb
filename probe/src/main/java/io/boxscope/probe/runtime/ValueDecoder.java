package io.boxscope.probe.runtime;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.probe.codegen.Layouts;
import io.boxscope.probe.lang.sema.SType;
import io.boxscope.probe.lang.sema.SpecialKind;
import io.boxscope.probe.output.ResolvedKind;
import io.boxscope.probe.output.Value;

/**
 * Bytes written by the generated code (map keys and values, ring-buffer records) back to the output
 * model's {@link Value}s, by the script type that wrote them ({@link Layouts} says where each part is).
 */
final class ValueDecoder {
    private final List<String> probeNames;
    private final Stacks stacks;
    private java.util.Map<Integer, String> users;

    /** The script's action table: strftime values refer to their format by its number there. */
    private final List<io.boxscope.probe.codegen.Action> actions;

    ValueDecoder(List<String> probeNames, List<io.boxscope.probe.codegen.Action> actions, Stacks stacks) {
        this(probeNames, actions, stacks, ValueDecoder::scanContainers, System::nanoTime);
    }

    /**
     * @param scanner what scans the host's containers (cgroup id to name): {@link #scanContainers} but in tests
     * @param clock   monotonic nanoseconds, for {@link #RESCAN_NS}
     */
    ValueDecoder(List<String> probeNames, List<io.boxscope.probe.codegen.Action> actions, Stacks stacks,
                 java.util.function.Supplier<java.util.Map<Long, String>> scanner, java.util.function.LongSupplier clock) {
        this.actions = actions;
        this.probeNames = probeNames;
        this.stacks = stacks;
        this.scanner = scanner;
        this.clock = clock;
    }

    /**
     * How long a scan of the containers answers for a cgroup id it did not know: a second. A busy host's
     * cgroups that are no container's (systemd's services, users' sessions) would otherwise scan every
     * runtime once per id; a container started since is found by the next scan, at most this much later.
     */
    static final long RESCAN_NS = 1_000_000_000L;

    private final java.util.Map<Long, String> containers = new java.util.HashMap<>();
    private final java.util.function.Supplier<java.util.Map<Long, String>> scanner;
    private final java.util.function.LongSupplier clock;
    /** When the last scan was made ({@link #clock}); valid once {@link #containerScans} is above 0. */
    private long lastScanNs;
    private long containerScans;
    private long containerMisses;

    /** The first container scan, started in the background by {@link #startContainerScan} (null: none pending). */
    private java.util.concurrent.Future<java.util.Map<Long, String>> prefetched;

    /**
     * Starts a scan of the host's containers now, in the background, for a program that prints the
     * {@code container} builtin: the scan (every process's cgroup, the container runtimes' state) takes a cold
     * JVM tens to hundreds of milliseconds, which then overlap with reading the first records (ProbeSession starts
     * it at its first read, after a tool's header) until a record first prints a container.
     */
    static java.util.concurrent.Future<java.util.Map<Long, String>> startContainerScan() {
        SCANS_STARTED.incrementAndGet();
        java.util.concurrent.FutureTask<java.util.Map<Long, String>> task = new java.util.concurrent.FutureTask<>(
                ValueDecoder::scanContainers);
        Thread t = new Thread(task, "boxscope-containers");
        t.setDaemon(true);
        t.start();
        return task;
    }

    /** Background scans started by {@link #startContainerScan} in this process (when a scan starts is tested). */
    private static final java.util.concurrent.atomic.AtomicLong SCANS_STARTED = new java.util.concurrent.atomic.AtomicLong();

    /** Background container scans started so far in this process. */
    static long scansStarted() {
        return SCANS_STARTED.get();
    }

    /** The first lookup of a container takes the scan {@link #startContainerScan} started (null: none). */
    void containersFrom(java.util.concurrent.Future<java.util.Map<Long, String>> scan) {
        this.prefetched = scan;
    }

    /** Cgroup v2 ids of the host's containers to their names; empty when they cannot be read. */
    private static java.util.Map<Long, String> scanContainers() {
        java.util.Map<Long, String> out = new java.util.HashMap<>();
        try {
            for (io.boxscope.proc.container.ContainerInfo c : io.boxscope.proc.container.ContainerDiscovery
                    .of(io.boxscope.proc.HostPaths.DEFAULT).scan().containers()) {
                if (c.cgroupId().isPresent()) {
                    out.put(c.cgroupId().getAsLong(), c.displayName());
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // unknown cgroups print as their id
        }
        return out;
    }

    /**
     * boxscope's {@code container} builtin: the container whose cgroup v2 directory has this id (its name,
     * else its short id), any other cgroup as its id number. An id no scan knows is a miss, counted
     * ({@link #containerMisses}) and not remembered: it is looked up again when a scan is at least
     * {@link #RESCAN_NS} old, so a container started during the run is named from then on, and a host's many
     * other cgroups cost at most one scan a second, not one each.
     */
    private String containerName(long cgroupId) {
        if (prefetched != null) {
            try {
                containers.putAll(prefetched.get());
                containerScans++;
                lastScanNs = clock.getAsLong();
            } catch (java.util.concurrent.ExecutionException e) {
                // the scan below tries again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            prefetched = null;
        }
        String known = containers.get(cgroupId);
        if (known == null) {
            long now = clock.getAsLong();
            if (containerScans == 0 || now - lastScanNs >= RESCAN_NS) {
                containers.putAll(scanner.get());
                containerScans++;
                lastScanNs = now;
                known = containers.get(cgroupId);
            }
        }
        if (known == null) {
            containerMisses++;
            return Long.toString(cgroupId);
        }
        return known;
    }

    /** Scans of the host's containers made so far for the {@code container} builtin (the prefetched one too). */
    long containerScans() {
        return containerScans;
    }

    /** {@code container} values printed as a cgroup id number: no scan knew the id (not a container's, or not yet). */
    long containerMisses() {
        return containerMisses;
    }

    /** A map read begins, and ends: its stacks' user addresses are resolved in one pass ({@link Stacks#beginPass}). */
    void beginPass() {
        if (stacks != null) {
            stacks.beginPass();
        }
    }

    void endPass() {
        if (stacks != null) {
            stacks.endPass();
        }
    }

    /** Kernel addresses decoded into hex because their symbols could not be read ({@link Stacks#kernelSymbolsMissing}). */
    java.util.Optional<io.boxscope.probe.output.KernelSymbolsMissing> kernelSymbolsMissing() {
        return stacks == null ? java.util.Optional.empty() : stacks.kernelSymbolsMissing();
    }

    /** Stacks decoded empty because their frames could not be read ({@link Stacks#stacksUnread}). */
    java.util.Optional<io.boxscope.probe.output.StacksUnread> stacksUnread() {
        return stacks == null ? java.util.Optional.empty() : stacks.stacksUnread();
    }

    /** The distinct kernel addresses decoded into hex so far ({@link Stacks#unresolvedKernelAddresses}). */
    java.util.Set<Long> unresolvedKernelAddresses() {
        return stacks == null ? java.util.Set.of() : stacks.unresolvedKernelAddresses();
    }

    /** Why kernel symbols were missing; empty while none were. */
    java.util.Optional<String> kernelSymbolsUnavailable() {
        return stacks == null ? java.util.Optional.empty() : stacks.kernelSymbolsUnavailable();
    }

    /** A uid's name from /etc/passwd (read once), or the number, as bpftrace's getpwuid fallback prints it. */
    private String userName(long uid) {
        if (users == null) {
            try {
                users = io.boxscope.proc.Passwd.parse(java.nio.file.Files.readString(java.nio.file.Path.of("/etc/passwd")));
            } catch (java.io.IOException e) {
                users = java.util.Map.of();
            }
        }
        return users.getOrDefault((int) uid, Long.toString(uid));
    }

    /**
     * The wall-clock time of a {@code nsecs} value (CLOCK_MONOTONIC, bpf_ktime_get_ns): now minus how long
     * ago it was, as bpftrace 0.17 resolves strftime's argument against the boot time. The JVM's nanoTime
     * reads the same clock on Linux.
     */
    static java.time.ZonedDateTime wallClock(long nsecs) {
        long ago = System.nanoTime() - nsecs;
        return java.time.Instant.now().minusNanos(ago).atZone(java.time.ZoneId.systemDefault());
    }

    /** Native-order views of a byte array: no ByteBuffer a read (ring records are decoded per event). */
    private static final java.lang.invoke.VarHandle LONG = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final java.lang.invoke.VarHandle INT = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final java.lang.invoke.VarHandle SHORT = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.nativeOrder());

    static long u64(byte[] b, int off) {
        return (long) LONG.get(b, off);
    }

    /** A value of type {@code t} at {@code off}; integers at their declared width ({@code promote}: 64 bits, as keys print). */
    Value decode(SType t, byte[] b, int off, boolean promote) {
        return switch (t) {
            case SType.Int i -> new Value.Int(u64(b, off), promote ? 64 : i.bytes() * 8, i.signed());
            case SType.Ptr p -> promote ? new Value.Pointer(u64(b, off)) : new Value.Int(u64(b, off), 64, false);
            // a copy of count()/sum()/min()/max() in a variable: one 64-bit number
            case SType.Agg ag -> new Value.Int(u64(b, off), 64, ag.kind() != io.boxscope.probe.lang.sema.AggKind.COUNT);
            case SType.Str s -> new Value.Str(cString(b, off, Math.min(s.bytes(), b.length - off)));
            case SType.Tuple tu -> {
                List<Value> els = new ArrayList<>();
                for (int k = 0; k < tu.elements().size(); k++) {
                    els.add(decode(tu.elements().get(k), b, off + Layouts.tupleOffset(tu, k), false));
                }
                yield new Value.Tuple(els);
            }
            case SType.Special s when s.kind() == SpecialKind.PROBE -> {
                long id = u64(b, off);
                String name = id >= 0 && id < probeNames.size() ? probeNames.get((int) id) : "probe#" + id;
                yield new Value.Resolved(ResolvedKind.PROBE, name, id);
            }
            case SType.Special s when s.kind() == SpecialKind.KSYM -> {
                long addr = u64(b, off);
                yield new Value.Resolved(ResolvedKind.KSYM, stacks.ksym(addr), addr);
            }
            case SType.Stack st -> {
                long id = u64(b, off);
                long pid = st.user() ? u64(b, off + 8) : 0;
                yield new Value.Stack(st.mode() == io.boxscope.probe.lang.sema.StackMode.PERF
                        ? io.boxscope.probe.output.StackMode.PERF : io.boxscope.probe.output.StackMode.BPFTRACE,
                        stacks.frames((int) id, st.user(), (int) pid, st.limit(), st.mode() == io.boxscope.probe.lang.sema.StackMode.PERF),
                        st.user() ? (pid << 32) | (id & 0xffffffffL) : id);
            }
            case SType.Special s when s.kind() == SpecialKind.USYM -> {
                long addr = u64(b, off);
                yield new Value.Resolved(ResolvedKind.USYM, stacks.usym(addr, (int) u64(b, off + 8)), addr);
            }
            case SType.Special s when s.kind() == SpecialKind.INET -> {
                long af = u64(b, off);
                yield new Value.Resolved(ResolvedKind.INET, inet(af, b, off + 8), u64(b, off + 8));
            }
            case SType.Special s when s.kind() == SpecialKind.CONTAINER -> new Value.Str(containerName(u64(b, off)));
            case SType.Special s when s.kind() == SpecialKind.TIMESTAMP -> {
                long nsecs = u64(b, off + 8);
                String format = actions.get((int) u64(b, off)) instanceof io.boxscope.probe.codegen.Action.StrftimeFormat f ? f.format() : "";
                yield new Value.Resolved(ResolvedKind.TIMESTAMP,
                        io.boxscope.probe.output.Strftime.strftime(format, wallClock(nsecs)), nsecs);
            }
            case SType.Buffer bt -> {
                int n = Math.min(bt.length(), b[off] & 0xff);
                yield new Value.Buffer(java.util.Arrays.copyOfRange(b, off + 1, off + 1 + n));
            }
            case SType.Record r -> {
                List<Value.Field> fields = new ArrayList<>();
                for (SType.RecordField f : r.fields()) {
                    int at = off + (int) f.offset();
                    Value v;
                    if (f.layout() == io.boxscope.probe.lang.sema.FieldAccess.Layout.BITFIELD && f.type() instanceof SType.Int fi) {
                        v = new Value.Int(bitfield(b, at, f.bitShift(), f.bitSize(), fi.signed(), off + (int) r.size()), fi.bytes() * 8, fi.signed());
                    } else if (f.type() instanceof SType.Int fi) {
                        v = new Value.Int(intAt(b, at, fi.bytes()), fi.bytes() * 8, fi.signed());
                    } else {
                        v = decode(f.type(), b, at, false);
                    }
                    fields.add(new Value.Field(f.name(), v));
                }
                yield new Value.Record(fields);
            }
            case SType.Array arr when arr.element() instanceof SType.Int ei -> {
                List<Value> els = new ArrayList<>();
                for (int k = 0; k < arr.length(); k++) {
                    els.add(new Value.Int(ValueDecoder.intAt(b, off + k * ei.bytes(), ei.bytes()), ei.bytes() * 8, ei.signed()));
                }
                yield new Value.Array(els);
            }
            case SType.Array arr -> {
                // structs, strings, arrays: each element at its C stride (the element's own size)
                List<Value> els = new ArrayList<>();
                for (int k = 0; k < arr.length(); k++) {
                    els.add(decode(arr.element(), b, off + (int) (k * arr.element().size()), false));
                }
                yield new Value.Array(els);
            }
            case SType.Special s when s.kind() == SpecialKind.STRERROR -> {
                long n = u64(b, off);
                yield new Value.Resolved(ResolvedKind.STRERROR, StrError.describe((int) n), n);
            }
            case SType.Special s when s.kind() == SpecialKind.CGROUP_PATH -> {
                long id = u64(b, off);
                long filter = u64(b, off + 8);
                String glob = filter >= 0 && filter < actions.size()
                        && actions.get((int) filter) instanceof io.boxscope.probe.codegen.Action.CgroupPathFilter f ? f.filter() : null;
                yield new Value.Resolved(ResolvedKind.CGROUP_PATH, CgroupPaths.describe(id, glob), id);
            }
            case SType.Special s when s.kind() == SpecialKind.USERNAME -> {
                long uid = u64(b, off);
                yield new Value.Resolved(ResolvedKind.USERNAME, userName(uid), uid);
            }
            default -> throw new IllegalArgumentException("cannot decode a value of type " + t.display() + " yet");
        };
    }

    /**
     * A bit-field: {@code bits} bits starting {@code shift} bits (in memory order) into the byte at {@code off}, read in
     * the host's order as {@link io.boxscope.probe.codegen.BitField#read} does for either order (the record's bytes
     * are kernel memory, in the host's order), sign-extended when its type is signed. Bytes from {@code end} (the end
     * of the struct) on are never read, as bpftrace's code generator reads a bit-field.
     */
    static long bitfield(byte[] b, int off, int shift, int bits, boolean signed, int end) {
        return io.boxscope.probe.codegen.BitField.read(java.nio.ByteOrder.nativeOrder(), b, off, shift, bits, signed, end);
    }

    /** The {@code bytes}-wide integer at {@code off} in native order, zero-extended. */
    static long intAt(byte[] b, int off, int bytes) {
        return switch (bytes) {
            case 1 -> b[off] & 0xffL;
            case 2 -> (short) SHORT.get(b, off) & 0xffffL;
            case 4 -> (int) INT.get(b, off) & 0xffffffffL;
            default -> (long) LONG.get(b, off);
        };
    }

    /** inet_ntop(3) of an IPv4 (AF_INET, 2) or IPv6 (AF_INET6, 10) address. */
    static String inet(long af, byte[] b, int off) {
        if (af == 2) {
            return io.boxscope.proc.InetText.ipv4(b, off);
        }
        return io.boxscope.proc.InetText.ipv6(java.util.Arrays.copyOfRange(b, off, off + 16));
    }

    /** Key arguments: one value per {@code @m[a, b]} argument (a tuple key is its elements). */
    List<Value> key(SType t, byte[] b) {
        if (t instanceof SType.None) {
            return List.of();
        }
        if (t instanceof SType.Tuple tu) {
            List<Value> out = new ArrayList<>();
            for (int k = 0; k < tu.elements().size(); k++) {
                out.add(decode(tu.elements().get(k), b, Layouts.tupleOffset(tu, k), true));
            }
            return out;
        }
        return List.of(decode(t, b, 0, true));
    }

    /**
     * A NUL-terminated string of at most {@code max} bytes, decoded as UTF-8 with each byte that is not kept as a lone
     * surrogate ({@link io.boxscope.proc.RawText}): bpftrace prints the bytes, and the output encodes them back.
     */
    static String cString(byte[] b, int off, int max) {
        int n = 0;
        while (n < max && b[off + n] != 0) {
            n++;
        }
        return io.boxscope.proc.RawText.decode(b, off, n);
    }
}
