package io.boxscope.trace.live;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import io.boxscope.proc.container.ContainerRef;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.cgroup.CgroupLimits;
import io.boxscope.proc.cgroup.CgroupMembership;
import io.boxscope.trace.scap.CaptureTables;
import io.boxscope.trace.scap.CycleWriter;
import io.boxscope.trace.scap.EventTable;
import io.boxscope.trace.scap.MachineInfo;
import io.boxscope.trace.scap.RotationNames;
import io.boxscope.trace.scap.ScapEvent;
import io.boxscope.trace.scap.ScapFields;
import io.boxscope.trace.scap.ScapReader;
import io.boxscope.trace.scap.ThreadInfo;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/**
 * A container the runtimes have not named yet (ContainerNames answers null within a second of its last scan, or
 * before the runtime registered the container) is asked again at the next event of its threads, not remembered as
 * decided: otherwise a container started during a {@code -w} capture keeps {@code container.name <NA>} in
 * {@code sysdig -r} for as long as its cgroups list holds its cache slot. The host is decided once.
 */
class ContainerEventsTest {
    private static List<String> docker(char c) {
        // a new list object each time, as ThreadRules makes for each thread
        return new ArrayList<>(List.of("cpu=/system.slice/docker-" + String.valueOf(c).repeat(64) + ".scope"));
    }

    @Test
    void anUnnamedContainerIsAskedAgainAtEachEvent() {
        AtomicInteger calls = new AtomicInteger();
        ContainerEvents events = new ContainerEvents(ref -> {
            calls.incrementAndGet();
            return null;
        }, null);
        List<String> a = docker('a');
        List<String> b = docker('b');
        for (List<String> l : List.of(a, b, a, b, a)) {
            events.see(l);
        }
        assertEquals(5, calls.get(), "each event of an undecided container asks the names again");
    }

    /**
     * A container whose name a scan brings after its threads were seen (the scans run off the consumer's thread) is
     * described before the next record written, whichever thread's, as libsinsp queues the container event of an
     * async lookup before the next event: the events written before it have no name, those after it have.
     */
    @Test
    void aNameThatArrivesLaterIsDescribedBeforeTheNextRecord(@TempDir Path dir) throws Exception {
        ContainerInfo[] named = {null};
        long[] generation = {0};
        ContainerEvents.Names names = new ContainerEvents.Names() {
            @Override
            public ContainerInfo apply(ContainerRef ref) {
                return null; // not named yet: the scan it started has not returned
            }

            @Override
            public long generation() {
                return generation[0];
            }

            @Override
            public ContainerInfo named(String id) {
                return named[0] != null && named[0].ref().id().equals(id) ? named[0] : null;
            }
        };
        Path file = dir.resolve("c.scap");
        ThreadInfo sh = ThreadInfo.of(700, 700, 1, "sh", "/bin/sh", List.of(), "/tmp/", 0, 0);
        CaptureTables t = new CaptureTables(new MachineInfo(1, 1L << 30, 32768, "h"), List.of(), List.of(), List.of(),
                List.of(sh), Map.of());
        List<String> cgroups = docker('a');
        ContainerRef ref = ScapFields.containerOf(cgroups);
        try (CycleWriter w = new CycleWriter(new RotationNames(file.toString(), 0, 0, 0, 0), false, () -> t,
                ZoneOffset.UTC, dir, 1_700_000_000L)) {
            ContainerEvents events = new ContainerEvents(names, w);
            events.see(cgroups);
            long ts = 1_700_000_000_000_000_000L;
            w.write(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ++ts, 700, 0).num(0).build());
            events.arrivals();
            w.write(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ++ts, 700, 0).num(0).build());
            named[0] = new ContainerInfo(ref, "web", "nginx:1.27", List.of(700), CgroupMembership.parse("0::/x\n"), "/x",
                    OptionalLong.empty(), new CgroupLimits(java.util.OptionalDouble.empty(), 0, "",
                    OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                    OptionalLong.empty(), CgroupLimits.CpuThrottling.NONE, CgroupLimits.CgroupVersion.NONE,
                    CgroupLimits.CgroupVersion.NONE, List.of()), Map.of());
            events.arrivals();
            w.write(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ++ts, 700, 0).num(0).build());
            generation[0]++;
            events.arrivals(); // a thread of another container writes: the name is described before its record
            w.write(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ++ts, 701, 0).num(0).build());
            events.arrivals();
            w.write(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", ++ts, 700, 0).num(0).build());
        }
        List<String> order = new ArrayList<>();
        for (ScapEvent e : ScapReader.readAll(file).events()) {
            order.add(EventTable.get().info(e.type()).orElseThrow().name() + (e.tid() == 701 ? "@701" : ""));
        }
        assertEquals(List.of("close", "close", "close", "container", "close@701", "close"), order,
                "the description once, when the name arrived, before the next record");
    }

    @Test
    void theHostIsDecidedOnce() {
        List<ContainerRef> asked = new ArrayList<>();
        ContainerEvents events = new ContainerEvents(ref -> {
            asked.add(ref);
            return null;
        }, null);
        List<String> host = new ArrayList<>(List.of("cpu=/user.slice/user-0.slice/session-1.scope"));
        for (int i = 0; i < 3; i++) {
            events.see(host);
        }
        assertEquals(List.of(), asked, "the host is never asked for a name");
    }

    /**
     * The runtime's privileged flag and mounts are written in the description as libsinsp's container_to_json writes
     * them ({@code privileged}; {@code Mounts} of Source, Destination, Mode, RW, Propagation: libs e5c53d64
     * container.cpp), so {@code sysdig -r} of the file prints {@code container.privileged=true} and each mount. A
     * privileged container cannot be started on every test machine (runc may not apply all capabilities), so the
     * details are given here as the Docker API's inspect answer gives them (proc's RuntimeApisTest reads a real one).
     * The build before wrote {@code privileged: false} and no mounts whatever the runtime said.
     */
    @Test
    void privilegedAndMountsAreWrittenSoSysdigReadsThem(@TempDir Path dir) throws Exception {
        List<String> cgroups = docker('b');
        ContainerRef ref = ScapFields.containerOf(cgroups);
        io.boxscope.proc.container.RuntimeDetails details = new io.boxscope.proc.container.RuntimeDetails(true, true, List.of(
                new io.boxscope.proc.container.RuntimeDetails.Mount("/srv/data", "/data", "", true, "rprivate"),
                new io.boxscope.proc.container.RuntimeDetails.Mount("/etc/app", "/conf", "ro", false, "rslave")));
        ContainerInfo info = new ContainerInfo(ref, "priv", "busybox:latest", List.of(800), CgroupMembership.parse("0::/x\n"), "/x",
                OptionalLong.empty(), new CgroupLimits(java.util.OptionalDouble.empty(), 0, "",
                OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty(), CgroupLimits.CpuThrottling.NONE, CgroupLimits.CgroupVersion.NONE,
                CgroupLimits.CgroupVersion.NONE, List.of()), Map.of()).withDetails(details);
        Map<String, Object> c = io.boxscope.proc.json.Json.asObject(io.boxscope.proc.json.Json.asObject(
                io.boxscope.proc.json.Json.parse(ContainerEvents.json(info))).get("container"));
        assertEquals(true, c.get("privileged"));
        assertEquals(List.of(Map.of("Source", "/srv/data", "Destination", "/data", "Mode", "", "RW", true, "Propagation", "rprivate"),
                Map.of("Source", "/etc/app", "Destination", "/conf", "Mode", "ro", "RW", false, "Propagation", "rslave")), c.get("Mounts"));

        Path file = dir.resolve("p.scap");
        ThreadInfo sh = new ThreadInfo(800, 800, 1, 800, 800, "sh", "/bin/sh", "/bin/sh", List.of(), "/", 1024, 0, 0, 0, 0, 0, 0, 0, 0,
                List.of(), 800, 800, cgroups, "/", -1, false);
        CaptureTables t = new CaptureTables(new MachineInfo(1, 1L << 30, 32768, "h"), List.of(), List.of(), List.of(),
                List.of(sh), Map.of());
        try (CycleWriter w = new CycleWriter(new RotationNames(file.toString(), 0, 0, 0, 0), false, () -> t,
                ZoneOffset.UTC, dir, 1_700_000_000L)) {
            ContainerEvents events = new ContainerEvents(r -> info, w);
            events.see(cgroups);
            w.write(ScapEvent.builder("PPME_SYSCALL_CLOSE_X", 1_700_000_000_000_000_001L, 800, 0).num(0).build());
        }
        String format = "%container.privileged %container.mounts";
        Process p = new ProcessBuilder("/usr/bin/sysdig", "-r", file.toString(), "-p", format).redirectErrorStream(true).start();
        String sysdig = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), sysdig);
        assertEquals("true /srv/data:/data::true:rprivate,/etc/app:/conf:ro:false:rslave\n", sysdig);
    }
}
