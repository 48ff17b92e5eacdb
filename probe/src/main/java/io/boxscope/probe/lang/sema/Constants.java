package io.boxscope.probe.lang.sema;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.boxscope.bpf.btf.Btf;
import io.boxscope.bpf.btf.BtfKind;
import io.boxscope.bpf.btf.BtfType;
import io.boxscope.probe.lang.ast.Include;

/**
 * Named integer constants a program may use bare: every enumerator of the kernel's BTF (TCP_CLOSE,
 * SKB_DROP_REASON_*), and the few {@code #define}s that bpftrace's tools take from headers, which BTF
 * cannot carry because they are macros. A macro is known only when its header is included, as with
 * clang. Values are the kernel's: include/linux/socket.h (AF_*), include/linux/sched.h (TASK_* states).
 */
final class Constants {
    private static final Map<String, Long> SOCKET = Map.of("AF_UNSPEC", 0L, "AF_UNIX", 1L, "AF_LOCAL", 1L, "AF_INET", 2L,
            "AF_INET6", 10L, "AF_NETLINK", 16L, "AF_PACKET", 17L, "PF_INET", 2L, "PF_INET6", 10L);
    private static final Map<String, Long> SCHED = Map.ofEntries(Map.entry("TASK_RUNNING", 0L),
            Map.entry("TASK_INTERRUPTIBLE", 1L), Map.entry("TASK_UNINTERRUPTIBLE", 2L), Map.entry("__TASK_STOPPED", 4L),
            Map.entry("__TASK_TRACED", 8L), Map.entry("EXIT_DEAD", 16L), Map.entry("EXIT_ZOMBIE", 32L),
            Map.entry("TASK_PARKED", 64L), Map.entry("TASK_DEAD", 128L), Map.entry("TASK_WAKEKILL", 256L),
            Map.entry("TASK_WAKING", 512L), Map.entry("TASK_NOLOAD", 1024L), Map.entry("TASK_NEW", 2048L));
    private static final Map<String, Map<String, Long>> HEADERS = Map.of(
            "sys/socket.h", SOCKET, "linux/socket.h", SOCKET, "bits/socket.h", SOCKET, "net/sock.h", SOCKET,
            "linux/sched.h", SCHED);

    private final java.util.function.Supplier<Btf> btfSource;
    private Btf btf;
    private final List<Include> includes;
    private Map<String, Long> enumerators;

    /** @param btf the kernel's BTF (null when there is none), read only when an enumerator is looked up */
    Constants(java.util.function.Supplier<Btf> btf, List<Include> includes) {
        this.btfSource = btf;
        this.includes = includes;
    }

    /** The value of a constant, or null if unknown. */
    Long value(String name) {
        for (Include inc : includes) {
            Map<String, Long> m = HEADERS.get(inc.path());
            if (m != null && m.containsKey(name)) {
                return m.get(name);
            }
        }
        return enumerators().get(name);
    }

    /** The header that defines a known macro (for the hint when it is not included). */
    String fromHeader(String name) {
        if (SOCKET.containsKey(name)) {
            return "sys/socket.h";
        }
        return SCHED.containsKey(name) ? "linux/sched.h" : null;
    }

    private Map<String, Long> enumerators() {
        if (enumerators == null) {
            enumerators = new HashMap<>();
            btf = btfSource.get();
            if (btf != null) {
                try {
                    for (int id = 1; id < btf.typeCount(); id++) {
                        BtfKind k = btf.kind(id);
                        if (k == BtfKind.ENUM || k == BtfKind.ENUM64) {
                            collect(id);
                        }
                    }
                } catch (IOException e) {
                    // BTF unreadable here: no enumerators, the caller reports the unknown identifier
                }
            }
        }
        return enumerators;
    }

    private void collect(int id) throws IOException {
        if (btf.type(id) instanceof BtfType.Enum e) {
            for (BtfType.Enumerator v : e.values()) {
                enumerators.putIfAbsent(v.name(), v.value());
            }
        }
    }
}
