package io.boxscope.trace.live;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import io.boxscope.proc.container.ContainerInfo;
import io.boxscope.proc.container.ContainerRef;
import io.boxscope.proc.json.Json;
import io.boxscope.trace.scap.CycleWriter;
import io.boxscope.trace.scap.ScapFields;

/**
 * The container descriptions a live {@code -w} file carries, so that {@code container.name} and
 * {@code container.image} (and {@code -pc}, {@code container.name=X} filters, the container chisels) work
 * on the file in {@code sysdig -r} and {@code boxscope trace -r} as they did live. sysdig's dumper writes one
 * PPME_CONTAINER_JSON_2_E per container its container manager knows when a file opens, and one more when a
 * new container is found (libsinsp container.cpp dump_containers, container_to_json); here each container is
 * described once per file, before the first event written after its threads were seen and a runtime named it. The
 * names come from scans off the consumer's thread ({@link ContainerNames}): a container not named yet when its
 * threads are seen waits in {@link #pending}, and is described as soon as a scan names it, before the next record
 * written ({@link #arrivals}), whichever thread's: where libsinsp's async lookup puts its container event
 * (container.cpp notify_new_container queues it; sinsp::next returns it before the next kernel event). The events
 * of its threads written before that have {@code container.id} only in {@code sysdig -r}, as in a sysdig capture
 * whose lookup had not returned yet; {@link ContainerNames} counts them. A container no
 * runtime names is not described (its events keep {@code container.id} only, as in a sysdig capture whose
 * lookup failed); the miss is counted by {@link ContainerNames}.
 */
final class ContainerEvents {
    /**
     * Container names as {@link ContainerNames} gives them: {@link #apply} may start a lookup and answers from what is
     * known; {@link #generation} changes when a lookup named a container; {@link #named} is what is known, asking
     * nothing. A bare function (tests) never names a container later.
     */
    interface Names extends Function<ContainerRef, ContainerInfo> {
        default long generation() {
            return 0;
        }

        default ContainerInfo named(String id) {
            return null;
        }
    }

    private final Names names;
    /** Containers whose threads were seen and that no lookup has named yet, by full id. */
    private final Map<String, ContainerRef> pending = new HashMap<>();
    /** {@link Names#generation} when {@link #pending} was last looked at. */
    private long generation;
    private final CycleWriter writer;
    private final Set<String> described = new HashSet<>();
    /**
     * The cgroups lists seen lately, by identity, in a direct-mapped cache of {@link #RECENT} slots, with the
     * container each names ({@code refs}; null once decided: the host, or a container described). Recognizing a
     * container by its cgroup paths splits strings (2-4 % of a mixed capture's consumer when nothing was kept); a
     * thread's list is one object until its next clone or execve event (ThreadRules copies each event's
     * cgroups, so the threads of a process hold equal lists, not the same one), and the events of a busy host interleave many
     * threads. A list whose container is not decided yet (the runtime has not named it, or {@link ContainerNames}
     * scanned less than a second ago) keeps its ref and is asked again at each event until it is described: a
     * container started during the capture gets its name in the file once a runtime gives it.
     */
    private final Object[] recent = new Object[RECENT];
    private final ContainerRef[] refs = new ContainerRef[RECENT];
    private static final int RECENT = 64;

    ContainerEvents(Names names, CycleWriter writer) {
        this.names = names;
        this.writer = writer;
        this.generation = names.generation();
    }

    /**
     * Describes the containers waiting for a name that a lookup has named since the last call: called before each
     * record written (a volatile read when nothing changed), so a name that arrives is in the file before the next
     * event, also when the container's own threads' events are written directly without {@link #see}.
     */
    void arrivals() {
        long g = names.generation();
        if (g == generation) {
            return;
        }
        generation = g;
        for (var it = pending.values().iterator(); it.hasNext();) {
            ContainerRef ref = it.next();
            ContainerInfo info = names.named(ref.id());
            if (info != null) {
                it.remove();
                describe(ref, info);
            }
        }
    }

    private void describe(ContainerRef ref, ContainerInfo info) {
        described.add(ref.id());
        writer.describeContainer(ref.id(), json(info));
    }

    /** Describes the container of a thread with these cgroups, unless it is the host or already described. */
    void see(List<String> cgroups) {
        int slot = System.identityHashCode(cgroups) & (RECENT - 1);
        ContainerRef ref;
        if (recent[slot] == cgroups) {
            ref = refs[slot];
            if (ref == null) {
                return; // decided lately: the host, or described
            }
        } else {
            ref = ScapFields.containerOf(cgroups);
            recent[slot] = cgroups;
        }
        if (ref.isHost() || described.contains(ref.id())) {
            refs[slot] = null;
            return;
        }
        refs[slot] = ref;
        ContainerInfo info = names.apply(ref);
        if (info != null && !info.name().isEmpty()) {
            pending.remove(ref.id());
            describe(ref, info);
            refs[slot] = null;
        } else {
            pending.putIfAbsent(ref.id(), ref);
        }
    }

    /**
     * The JSON of one container as libsinsp's container_to_json writes it, with the keys its
     * parse_container_json_evt reads for the fields Boxscope has: the short and full id, sysdig's container
     * type number (container_info.h sinsp_container_type), name, image and the image's repository and tag, and the
     * runtime's privileged flag and mounts ({@link io.boxscope.proc.container.RuntimeDetails}: Docker-compatible
     * runtimes; false and none for the others, whose privileged flag sysdig does not print either).
     */
    static String json(ContainerInfo c) {
        String image = c.image();
        io.boxscope.trace.scap.ImageName split = io.boxscope.trace.scap.ImageName.split(image);
        String repo = split.repository();
        String tag = split.tag();
        String digest = split.digest();
        Map<String, Object> o = Json.object();
        List<Object> mounts = new java.util.ArrayList<>();
        for (io.boxscope.proc.container.RuntimeDetails.Mount m : c.details().mounts()) {
            Map<String, Object> e = Json.object(); // container_to_json's keys, in its order
            e.put("Source", m.source());
            e.put("Destination", m.destination());
            e.put("Mode", m.mode());
            e.put("RW", m.rw());
            e.put("Propagation", m.propagation());
            mounts.add(e);
        }
        o.put("Mounts", mounts);
        o.put("full_id", c.ref().id());
        o.put("id", c.ref().shortId());
        o.put("image", image);
        o.put("imagedigest", digest);
        o.put("imageid", "");
        o.put("imagerepo", repo);
        o.put("imagetag", tag);
        o.put("name", c.name());
        o.put("privileged", c.details().privileged());
        o.put("type", type(c.ref().runtime()));
        Map<String, Object> root = Json.object();
        root.put("container", o);
        return Json.write(root);
    }

    /** sinsp_container_type: CT_DOCKER 0, CT_LXC 1, CT_CRI 6, CT_CONTAINERD 7, CT_CRIO 8, CT_PODMAN 11. */
    private static int type(io.boxscope.proc.container.Runtime r) {
        return switch (r) {
            case DOCKER -> 0;
            case LXC -> 1;
            case KUBERNETES -> 6;
            case CONTAINERD -> 7;
            case CRIO -> 8;
            case PODMAN -> 11;
            case HOST -> 0xffff;
        };
    }
}
