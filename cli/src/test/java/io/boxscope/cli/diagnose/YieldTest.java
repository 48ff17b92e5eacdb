package io.boxscope.cli.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link Yield#current()} reads the nice value from /proc instead of calling getpriority(2): the same answer. */
class YieldTest {
    private static final int PRIO_PROCESS = 0;

    @Test
    void niceIsField19CountedFromTheLastParenthesis() {
        // a command name with spaces and parentheses: "a) (b 1"; fields 3.. after it; field 19 (nice) is 7, field 18 (priority) 27
        String line = "4242 (a) (b 1) S 1 4242 4242 0 -1 4194560 120 0 0 0 3 4 0 0 27 7 1 0 900 1000 200 18446744073709551615\n";
        assertEquals(7, Yield.niceOf(line));
        assertEquals(-20, Yield.niceOf("1 (x) R 0 1 1 0 -1 0 0 0 0 0 0 0 0 0 0 -20 1 0 5 0 0"));
        assertThrows(IllegalArgumentException.class, () -> Yield.niceOf("1 x R 0"));
        assertThrows(IllegalArgumentException.class, () -> Yield.niceOf("1 (x) R 0 1 1"));
    }

    /**
     * In a thread of its own set to a nice value that is not the default (raising one's own nice value needs no
     * privilege), {@code current()} says what glibc's getpriority(2) says: a wrong field would read 0 or another
     * counter there.
     */
    @Test
    @SuppressWarnings("restricted")
    void currentAgreesWithGetpriorityAtANonDefaultValue() throws Exception {
        Linker linker = Linker.nativeLinker();
        MethodHandle set = linker.downcallHandle(linker.defaultLookup().find("setpriority").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        MethodHandle get = linker.downcallHandle(linker.defaultLookup().find("getpriority").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        AtomicReference<int[]> seen = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString(); // PID/task/TID
                int tid = Integer.parseInt(self.substring(self.lastIndexOf('/') + 1));
                int before = (int) get.invokeExact(PRIO_PROCESS, tid);
                int wanted = Math.min(19, before + 6);
                int rc = (int) set.invokeExact(PRIO_PROCESS, tid, wanted);
                assertEquals(0, rc, "setpriority of this thread to " + wanted);
                seen.set(new int[] {wanted, (int) get.invokeExact(PRIO_PROCESS, 0), Yield.current()});
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        t.start();
        t.join();
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        int[] s = seen.get();
        assertEquals(s[0], s[1], "getpriority after setpriority");
        assertEquals(s[1], s[2], "Yield.current() against getpriority(2)");
    }

    /**
     * {@code renice} (setpriority(2) through bpf's syscall(2) downcall, not a downcall of its own) sets every thread
     * of this JVM, one started just before included, to the value asked: each thread's field 19 of
     * /proc/self/task/TID/stat says so. Then every thread gets its value back (we run as root: lowering a nice value
     * needs CAP_SYS_NICE).
     */
    @Test
    void reniceSetsEveryThreadOfTheProcess() throws Exception {
        int before = Yield.current();
        int wanted = Math.min(19, before + 3);
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        Thread idle = new Thread(() -> {
            started.countDown();
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        idle.start();
        started.await();
        java.util.Set<String> existing;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            existing = tasks.map(t -> t.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
        }
        try {
            assertEquals(0, Yield.renice(wanted), "threads that could not be changed");
            java.util.Map<String, Integer> nice = new java.util.TreeMap<>();
            try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : tasks.toList()) {
                    try {
                        nice.put(t.getFileName().toString(), Yield.niceOf(Files.readString(t.resolve("stat"),
                                java.nio.charset.StandardCharsets.ISO_8859_1)));
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // a thread that exited between the listing and the read
                    }
                }
            }
            long checked = nice.keySet().stream().filter(existing::contains).count();
            org.junit.jupiter.api.Assertions.assertTrue(checked >= 2, "threads there before the renice and read after: "
                    + checked + " of " + nice);
            // every thread there before the renice has the value; one the JVM started during it (a compiler thread)
            // inherits its creator's value, the old one when the creator was not reniced yet: that one alone may be
            // either (it made the test flake), any other value fails
            for (Map.Entry<String, Integer> e : nice.entrySet()) {
                if (existing.contains(e.getKey())) {
                    assertEquals(wanted, e.getValue(), "nice of thread " + e.getKey() + " in " + nice);
                } else {
                    org.junit.jupiter.api.Assertions.assertTrue(e.getValue() == wanted || e.getValue() == before,
                            "nice of thread " + e.getKey() + ", started during the renice, in " + nice);
                }
            }
        } finally {
            Yield.renice(before);
            stop.countDown();
            idle.join();
        }
        assertEquals(before, Yield.current());
    }
}
