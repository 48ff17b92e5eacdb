package io.boxscope.cli.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import io.boxscope.cli.Cli;
import io.boxscope.testkit.DockerTest;
import io.boxscope.testkit.FailingOpener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trace -c topscalls -pc container.name=X and …} live: a busybox container ({@link FailingOpener}), told to
 * start through a bind-mounted file, fails to open a missing path exactly {@link #OPENS} times while a host process
 * fails to open the same path; topscalls with sysdig's container layout shows only the container's failed opens,
 * {@link #OPENS} of them, in a row named after the container; without -pc, counted in the kernel, the same number.
 */
@DockerTest
class TraceLiveContainerChiselTest {
    private static final int OPENS = 5;

    @Test
    void topscallsCountsOnlyTheContainersCalls(@TempDir Path sync) throws Exception {
        Map<String, Long> sums = run(sync, "-pc");
        long opens = 0;
        for (Map.Entry<String, Long> e : sums.entrySet()) {
            // key columns: the syscall (20 wide) then the container's name
            assertTrue(e.getKey().substring(20).equals(lastName), "a row of another container or the host: " + e);
            assertTrue(e.getKey().startsWith("open"), e.toString());
            opens += e.getValue();
        }
        assertEquals(OPENS, opens, lastOut);
    }

    /**
     * Without -pc the container filter is decided in the kernel (the container's cgroup id) and topscalls counts
     * there: -v says so, and the table has exactly the container's failed opens.
     */
    @Test
    void topscallsWithAContainerFilterCountsInTheKernel(@TempDir Path sync) throws Exception {
        Map<String, Long> sums = run(sync, "-v");
        assertTrue(lastErr.contains("chisel topscalls: counted in the kernel"), lastErr);
        assertTrue(lastErr.contains("cgroup id (or an ancestor's) in ("), lastErr);
        assertTrue(lastErr.contains("the container terms are decided in the kernel"), lastErr);
        long opens = 0;
        for (Map.Entry<String, Long> e : sums.entrySet()) {
            assertTrue(e.getKey().startsWith("open"), "a row other than the failed opens: " + e + "\n" + lastOut);
            opens += e.getValue();
        }
        assertEquals(OPENS, opens, lastOut);
    }

    /**
     * topcontainers_error without a container filter: counted in the kernel by cgroup id (-v says so) and on the
     * event stream, the container's row has exactly its {@link #OPENS} failed opens in both, under the same
     * header, and neither has a host row although a host process failed the same opens (sysdig leaves the host out).
     */
    @Test
    void topcontainersErrorCountedInTheKernelPrintsWhatTheStreamPrints(@TempDir Path sync) throws Exception {
        String kernel = "evt.type in (open, openat)";
        Cli k = errors(sync.resolve("k"), kernel);
        assertTrue(k.err().contains("chisel topcontainers_error: counted in the kernel"), k.err());
        String kName = lastName;
        Cli s = errors(sync.resolve("s"), TraceLiveChiselTest.ON_THE_STREAM + " " + kernel);
        assertTrue(s.err().contains("chisel topcontainers_error: runs on the event stream"), s.err());
        for (Cli r : List.of(k, s)) {
            assertTrue(r.out().startsWith("#Errors             container.name"), r.out());
            Map<String, Long> sums = TraceLiveChiselTest.sums(r.out());
            assertEquals(OPENS, sums.get(r == k ? kName : lastName), r.out());
            assertTrue(!sums.containsKey("host"), r.out());
        }
        assertEquals(k.out().lines().limit(2).toList(), s.out().lines().limit(2).toList(), "the same header and rule");
    }

    /** A container's OPENS failed opens while a host process fails the same; topcontainers_error's output. */
    private Cli errors(Path sync, String filter) throws Exception {
        return whileOpensFail(sync, "boxscope-test-tracecerr-",
                name -> new String[] {"trace", "-M", "5", "-v", "-c", "topcontainers_error", filter});
    }

    private String lastName;
    private String lastOut;
    private String lastErr;

    /** The container's failed opens while a host process fails the same; topscalls' summed rows. */
    private Map<String, Long> run(Path sync, String option) throws Exception {
        Cli r = whileOpensFail(sync, "boxscope-test-tracechisel-", name -> new String[] {"trace", "-M", "5", option, "-c",
            "topscalls", "container.name=" + name + " and evt.type in (open, openat) and evt.failed=true"});
        assertTrue(r.out().startsWith(option.equals("-pc") ? "# Calls             Syscall             container.name"
                : "# Calls             Syscall"), r.out());
        lastOut = r.out();
        lastErr = r.err();
        return TraceLiveChiselTest.sums(r.out());
    }

    /**
     * Runs {@code trace} with the arguments made from the container's name while a {@link FailingOpener} container
     * (named {@code prefix}...) fails its OPENS opens and a host process fails 3 of the same, once trace is attached.
     */
    private Cli whileOpensFail(Path sync, String prefix, Function<String, String[]> args) throws Exception {
        Files.createDirectories(sync);
        try (FailingOpener c = FailingOpener.start(prefix, OPENS, sync)) {
            AtomicReference<Cli> result = new AtomicReference<>();
            Thread t = new Thread(() -> result.set(Cli.run(args.apply(c.name()))));
            t.start();
            TraceLiveCommandTest.awaitAttached();
            c.hostOpens(3);
            c.go();
            t.join(60_000);
            Cli r = result.get();
            assertEquals(0, r.code(), r.err());
            lastName = c.name();
            return r;
        }
    }
}
