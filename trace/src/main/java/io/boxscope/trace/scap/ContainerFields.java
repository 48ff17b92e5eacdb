package io.boxscope.trace.scap;

import io.boxscope.proc.container.ContainerRecognizer;
import io.boxscope.proc.container.ContainerRef;
import io.boxscope.trace.filter.Field;
import io.boxscope.trace.filter.FieldRef;
import io.boxscope.trace.filter.Value;

import java.util.List;

/**
 * The container class of {@link ScapFields} (sinsp_filter_check_container::extract, libs e5c53d64
 * userspace/libsinsp/filterchecks.cpp): the container of the event's thread, from the container events of a capture
 * file ({@link Inspector#container}) or, live, the runtimes ({@link ScapFields#containers}), else from the thread's
 * cgroups. Kept apart so ScapFields stays one switch; each returns null where sysdig has no value.
 */
final class ContainerFields {
    private ContainerFields() {}

    /** The container of the event's thread, {@link ContainerRef#HOST} on the host; null without a thread. */
    static ContainerRef container(ScapFields f) {
        Inspector.Thread t = f.t;
        if (t != null && t.describedContainer() != null) {
            Inspector.Container c = f.inspector.container(t.describedContainer());
            return new ContainerRef(runtime(c == null ? -1 : c.type()), t.describedContainer(), java.util.Optional.empty());
        }
        return t == null ? null : containerOf(t.cgroups());
    }

    /**
     * The runtime of sinsp_container_type's number (container_info.h: CT_DOCKER 0, CT_LXC 1, CT_CRI 6,
     * CT_CONTAINERD 7, CT_CRIO 8, CT_PODMAN 11); docker for a number Boxscope has no runtime for.
     */
    private static io.boxscope.proc.container.Runtime runtime(int type) {
        return switch (type) {
            case 1 -> io.boxscope.proc.container.Runtime.LXC;
            case 6 -> io.boxscope.proc.container.Runtime.KUBERNETES;
            case 7 -> io.boxscope.proc.container.Runtime.CONTAINERD;
            case 8 -> io.boxscope.proc.container.Runtime.CRIO;
            case 11 -> io.boxscope.proc.container.Runtime.PODMAN;
            default -> io.boxscope.proc.container.Runtime.DOCKER;
        };
    }

    /** {@link ScapFields#containerOf}. */
    static ContainerRef containerOf(List<String> cgroups) {
        for (String cg : cgroups) {
            int eq = cg.indexOf('=');
            ContainerRef c = ContainerRecognizer.recognize(eq >= 0 ? cg.substring(eq + 1) : cg);
            if (!c.isHost()) {
                return c;
            }
        }
        return ContainerRef.HOST;
    }

    /** container.id: "host" on the host, else the short id. */
    static Value id(ScapFields f) {
        ContainerRef c = container(f);
        return c == null ? null : ScapFields.text(c.isHost() ? "host" : c.shortId());
    }

    /** container.name: "host" on the host; a file's container events name it (none: no name, as in sysdig), live the runtimes do. */
    static Value name(ScapFields f) {
        ContainerRef c = container(f);
        if (c == null) {
            return null;
        }
        if (c.isHost()) {
            return ScapFields.text("host");
        }
        Inspector.Container known = f.inspector.container(c.shortId());
        if (known != null) {
            return ScapFields.text(known.name());
        }
        var live = f.containers == null ? null : f.containers.apply(c);
        return live == null ? null : ScapFields.text(live.name());
    }

    /** container.type: the runtime's label. */
    static Value type(ScapFields f) {
        ContainerRef c = container(f);
        return c == null ? null : ScapFields.text(c.runtime().label());
    }

    /** container.image: none on the host; the file's description, else live the runtimes'. */
    static Value image(ScapFields f) {
        ContainerRef c = container(f);
        if (c == null || c.isHost()) {
            return null;
        }
        Inspector.Container known = f.inspector.container(c.shortId());
        if (known != null) {
            return ScapFields.text(known.image());
        }
        var live = f.containers == null ? null : f.containers.apply(c);
        return live == null ? null : ScapFields.text(live.image());
    }

    /**
     * container.image.id, .repository and .tag (filterchecks.cpp TYPE_CONTAINER_IMAGE_ID/REPOSITORY/TAG, libs
     * e5c53d64): the container description's imageid, imagerepo and imagetag, no value when empty or on the host;
     * live, the repository and tag of the image the runtimes name ({@link ImageName}), no id.
     */
    static Value imagePart(ScapFields f, Field field) {
        ContainerRef c = container(f);
        if (c == null || c.isHost()) {
            return null;
        }
        Inspector.Container known = f.inspector.container(c.shortId());
        boolean id = field == Field.CONTAINER_IMAGE_ID;
        boolean repo = field == Field.CONTAINER_IMAGE_REPOSITORY;
        String v;
        if (known != null) {
            v = id ? known.imageId() : repo ? known.imageRepo() : known.imageTag();
        } else {
            var live = f.containers == null ? null : f.containers.apply(c);
            ImageName n = id || live == null || live.image() == null ? null : ImageName.split(live.image());
            v = n == null ? null : repo ? n.repository() : n.tag();
        }
        return v == null || v.isEmpty() ? null : ScapFields.text(v);
    }

    /**
     * container.privileged and container.mounts (TYPE_CONTAINER_PRIVILEGED, TYPE_CONTAINER_MOUNTS): no value on the
     * host or for a container the file does not describe; privileged only for Docker-compatible runtimes (docker,
     * cri, containerd, cri-o, podman: is_docker_compatible); the mounts' to_string joined with commas.
     */
    static Value state(ScapFields f, Field field) {
        ContainerRef ref = container(f);
        if (ref == null || ref.isHost()) {
            return null;
        }
        Inspector.Container c = f.inspector.container(ref.shortId());
        if (c == null) {
            return null;
        }
        if (field == Field.CONTAINER_MOUNTS) {
            return ScapFields.text(String.join(",", c.mounts().stream().map(Inspector.Mount::toString).toList()));
        }
        return switch (c.type()) {
            case 0, 6, 7, 8, 11 -> new Value.Bool(c.privileged());
            default -> null;
        };
    }

    /**
     * container.mount[ARG] and its parts (TYPE_CONTAINER_MOUNT, _SOURCE ... _PROPAGATION, libs e5c53d64): [N] the Nth
     * mount of the container's description (mount_by_idx: none past the end nor below 0), [GLOB] the first mount whose
     * source matches (mount_by_source, fnmatch), for container.mount.source the first whose destination does
     * (mount_by_dest); the whole mount as its to_string, or the part, rdwr as "true"/"false". No value on the host,
     * for a container the file does not describe, or when no mount matches.
     */
    static Value mount(ScapFields f, FieldRef ref) {
        ContainerRef cref = container(f);
        if (cref == null || cref.isHost()) {
            return null;
        }
        Inspector.Container c = f.inspector.container(cref.shortId());
        if (c == null) {
            return null;
        }
        Field field = ref.field();
        Inspector.Mount m = null;
        if (ref.index() != null) {
            m = ref.index() >= 0 && ref.index() < c.mounts().size() ? c.mounts().get(ref.index()) : null;
        } else {
            for (Inspector.Mount each : c.mounts()) {
                String path = field == Field.CONTAINER_MOUNT_SOURCE ? each.dest() : each.source();
                if (io.boxscope.trace.filter.Glob.matches(ref.argName(), path)) {
                    m = each;
                    break;
                }
            }
        }
        if (m == null) {
            return null;
        }
        return ScapFields.text(field == Field.CONTAINER_MOUNT_SOURCE ? m.source()
                : field == Field.CONTAINER_MOUNT_DEST ? m.dest()
                : field == Field.CONTAINER_MOUNT_MODE ? m.mode()
                : field == Field.CONTAINER_MOUNT_RDWR ? Boolean.toString(m.rdwr())
                : field == Field.CONTAINER_MOUNT_PROPAGATION ? m.propagation()
                : m.toString());
    }
}
