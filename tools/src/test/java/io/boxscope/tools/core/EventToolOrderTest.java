package io.boxscope.tools.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.boxscope.bpf.sys.Sys;
import io.boxscope.testkit.KernelTest;
import org.junit.jupiter.api.Test;

/**
 * The order of a per-event tool's start-up (EventTool#run): the header ({@link EventTool.Listener#started})
 * right after attaching, then the tool's own {@code started} (execsnoop's and exitsnoop's seeding from /proc),
 * and only then is any record decoded, also the records of probes that fired before the header. Before,
 * the records of start-up were drained and decoded ahead of the header (opensnoop printed its header only
 * after decoding them, with the container scan waited for), and before the seeding they depend on.
 * The probe fires from this thread right after attaching, in the "attached" phase. The listener's
 * {@link EventTool.Listener#lines} is asked once, after the header and before any record: a command decides its
 * output's mode there (isatty(1), through the downcall loading has linked), not before compiling, where it waited
 * for the downcall's linking on the main thread.
 */
@KernelTest
class EventToolOrderTest {
    static final int FIRED = 3;

    /** Records this thread's getpid(2) calls; logs when each step of its life happens. */
    static final class Getpids extends EventTool<Long> {
        final List<String> log;

        Getpids(List<String> log) {
            this.log = log;
        }

        @Override
        protected ToolScript script() {
            return new ToolScript("ordertest", "tracepoint:syscalls:sys_enter_getpid /pid == $1/ { printf(\"G %d\\n\", tid); }", 64);
        }

        @Override
        protected List<String> params(ToolTarget target) {
            return List.of(Long.toString(ProcessHandle.current().pid()));
        }

        @Override
        protected void started(ToolSession session) {
            log.add("seeded");
        }

        @Override
        protected Long decode(int formatId, Args args) {
            log.add("decoded");
            return args.i(0);
        }
    }

    @Test
    void headerThenSeedingThenTheRecordsOfStartUp() throws Exception {
        List<String> log = new ArrayList<>();
        List<Long> ours = new ArrayList<>();
        long self = Sys.gettid();
        new Getpids(log).run(Path.of("/sys"), ToolTarget.ALL, Schedule.duration(Duration.ofSeconds(20)),
                () -> ours.size() >= FIRED, new EventTool.Listener<>() {
                    @Override
                    public void phase(String step) {
                        if (step.equals("attached")) {
                            for (int i = 0; i < FIRED; i++) {
                                Sys.getpid(); // the probe fires before the header is printed
                            }
                            log.add("fired");
                        }
                    }

                    @Override
                    public void started(int probes) {
                        log.add("header");
                    }

                    @Override
                    public RecordLines lines() {
                        log.add("lines");
                        return null;
                    }

                    @Override
                    public void event(Long tid) {
                        if (tid == self) {
                            ours.add(tid);
                        }
                    }

                    @Override
                    public void lost(long events) {
                    }

                    @Override
                    public void skipped(long events) {
                    }
                });
        assertEquals(FIRED, ours.size(), () -> "events of this thread: " + ours + "; log " + log);
        assertEquals(List.of("fired", "header", "lines", "seeded"), log.subList(0, 4), log::toString);
        assertTrue(log.subList(4, log.size()).stream().allMatch("decoded"::equals) && log.size() >= 4 + FIRED, log::toString);
    }
}
