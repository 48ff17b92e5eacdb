package io.boxscope.cli.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
