package io.boxscope.proc.container;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.boxscope.proc.container.Pod.QosClass;

/**
 * Recognises the container a cgroup path belongs to. Layouts (cgroupfs and systemd drivers, v1 and
 * v2 alike, since the path is the same string in each hierarchy):
 * <ul>
 * <li>Docker: {@code /docker/<id>}, {@code /system.slice/docker-<id>.scope}</li>
 * <li>containerd: {@code cri-containerd-<id>.scope}, {@code ...slice:cri-containerd:<id>}</li>
 * <li>CRI-O: {@code crio-<id>.scope}, {@code /crio-<id>} (not {@code crio-conmon-*}, the monitor)</li>
 * <li>Podman: {@code libpod-<id>.scope}, {@code /libpod_parent/libpod-<id>}, and
 *     {@code libpod-<id>.scope/container} (not {@code libpod-conmon-*})</li>
 * <li>Kubernetes: {@code /kubepods[/burstable|/besteffort]/pod<uid>/<id>} and
 *     {@code kubepods-<qos>-pod<uid_with_underscores>.slice/...}; no QoS level means Guaranteed</li>
 * <li>LXC: {@code /lxc/<name>}, {@code /lxc.payload.<name>}, {@code /lxc.payload/<name>}</li>
 * </ul>
 * Everything else is the host. Pure: no file is read.
 */
public final class ContainerRecognizer {
    private static final String HEX = "([0-9a-f]{64})";
    private static final Pattern HEX_ID = Pattern.compile(HEX);
    private static final Pattern DOCKER_SCOPE = Pattern.compile("docker-" + HEX + "\\.scope");
    private static final Pattern CONTAINERD_SCOPE = Pattern.compile("cri-containerd-" + HEX + "\\.scope");
    private static final Pattern CRIO = Pattern.compile("crio-" + HEX + "(\\.scope)?");
    private static final Pattern LIBPOD = Pattern.compile("libpod-" + HEX + "(\\.scope)?");
    /** systemd driver on cgroup v1 for CRI runtimes: {@code <pod slice>:<runtime>:<id>}. */
    private static final Pattern COLON_FORM = Pattern.compile("(.*):(cri-containerd|crio|docker):" + HEX);
    private static final Pattern POD_CGROUPFS = Pattern.compile("pod([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
    private static final Pattern POD_SYSTEMD = Pattern.compile(
            "kubepods(?:-(burstable|besteffort))?-pod([0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12})\\.slice");
    private static final Pattern LXC_PAYLOAD = Pattern.compile("lxc\\.payload\\.(.+)");

    private ContainerRecognizer() {}

    public static boolean isHexId(String s) {
        return HEX_ID.matcher(s).matches();
    }

    public static ContainerRef recognize(String cgroupPath) {
        String[] seg = cgroupPath.split("/");
        ContainerRef found = null;
        String podUid = null;
        QosClass qos = null;
        boolean kubepods = false;
        for (int i = 0; i < seg.length; i++) {
            String s = seg[i];
            String prev = i > 0 ? seg[i - 1] : "";
            if (s.isEmpty()) {
                continue;
            }
            if (s.equals("kubepods") || s.startsWith("kubepods.") || s.startsWith("kubepods-")) {
                kubepods = true;
            }
            if (kubepods) {
                if (s.equals("burstable") || s.equals("kubepods-burstable.slice")) {
                    qos = QosClass.BURSTABLE;
                } else if (s.equals("besteffort") || s.equals("kubepods-besteffort.slice")) {
                    qos = QosClass.BEST_EFFORT;
                }
            }
            if (!mayMatch(s)) {
                // No pattern can match (the host's own segments: system.slice, user-1000.slice, ...): only the
                // LXC name under /lxc or /lxc.payload is left to ask, without a regex per pattern
                if (found == null && (prev.equals("lxc") || prev.equals("lxc.payload"))) {
                    found = ref(Runtime.LXC, s);
                }
                continue;
            }
            Matcher m;
            if ((m = POD_CGROUPFS.matcher(s)).matches()) {
                podUid = m.group(1);
                continue;
            }
            if ((m = POD_SYSTEMD.matcher(s)).matches()) {
                podUid = m.group(2).replace('_', '-');
                qos = qosOf(m.group(1), qos);
                continue;
            }
            if ((m = COLON_FORM.matcher(s)).matches()) {
                Matcher pod = POD_SYSTEMD.matcher(m.group(1));
                if (pod.matches()) {
                    podUid = pod.group(2).replace('_', '-');
                    qos = qosOf(pod.group(1), qos);
                    kubepods = true;
                }
                found = ref(runtimeOf(m.group(2)), m.group(3));
                continue;
            }
            if ((m = DOCKER_SCOPE.matcher(s)).matches()) {
                found = ref(Runtime.DOCKER, m.group(1));
            } else if ((m = CONTAINERD_SCOPE.matcher(s)).matches()) {
                found = ref(Runtime.CONTAINERD, m.group(1));
            } else if ((m = CRIO.matcher(s)).matches()) {
                found = ref(Runtime.CRIO, m.group(1));
            } else if ((m = LIBPOD.matcher(s)).matches()) {
                found = ref(Runtime.PODMAN, m.group(1));
            } else if (isHexId(s) && prev.equals("docker")) {
                found = ref(Runtime.DOCKER, s);
            } else if (isHexId(s) && podUid != null && prev.startsWith("pod")) {
                found = ref(Runtime.KUBERNETES, s);
            } else if ((m = LXC_PAYLOAD.matcher(s)).matches()) {
                found = ref(Runtime.LXC, m.group(1));
            } else if (found == null && (prev.equals("lxc") || prev.equals("lxc.payload"))) {
                found = ref(Runtime.LXC, s);
            }
        }
        if (found == null) {
            return ContainerRef.HOST;
        }
        if (kubepods && podUid != null) {
            return new ContainerRef(found.runtime(), found.id(),
                    Optional.of(new Pod(podUid, qos == null ? QosClass.GUARANTEED : qos)));
        }
        return found;
    }

    /**
     * Whether one of the patterns could match segment {@code s}: those holding a 64-digit id are at least 64
     * characters long, the others start with {@code pod}, {@code kubepods} or {@code lxc.payload.}. A discovery scan
     * recognises every process's cgroup path (issue 15: diagnose's scan before its window), and most segments are the
     * host's short ones, which this turns away before ten regular expressions each.
     */
    static boolean mayMatch(String s) {
        return s.length() >= 64 || s.startsWith("pod") || s.startsWith("kubepods") || s.startsWith("lxc.payload.");
    }

    private static QosClass qosOf(String group, QosClass current) {
        if (group == null) {
            return current;
        }
        return group.equals("burstable") ? QosClass.BURSTABLE : QosClass.BEST_EFFORT;
    }

    private static Runtime runtimeOf(String name) {
        return switch (name) {
            case "cri-containerd" -> Runtime.CONTAINERD;
            case "crio" -> Runtime.CRIO;
            default -> Runtime.DOCKER;
        };
    }

    private static ContainerRef ref(Runtime runtime, String id) {
        return new ContainerRef(runtime, id, Optional.empty());
    }
}
