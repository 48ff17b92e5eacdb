package io.boxscope.proc.container;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels Kubernetes' container runtimes put on each container of a pod: the kubelet's CRI
 * labels {@code io.kubernetes.pod.name}, {@code io.kubernetes.pod.namespace} and
 * {@code io.kubernetes.container.name} (kubelet pkg/kubelet/types/labels.go), which containerd keeps
 * in its metadata and cri-dockerd as Docker labels. Only these are kept, each value bounded, so
 * a container with many labels costs nothing extra and a hostile value cannot grow without end.
 */
public final class KubernetesLabels {
    public static final String POD_NAME = "io.kubernetes.pod.name";
    public static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String CONTAINER_NAME = "io.kubernetes.container.name";

    /** Kubernetes names are DNS labels or subdomains: at most 253 characters. */
    static final int MAX_VALUE = 253;

    private KubernetesLabels() {}

    /** The Kubernetes labels of {@code labels}, values cut to {@link #MAX_VALUE} characters. */
    public static Map<String, String> keep(Map<String, String> labels) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : new String[] {POD_NAME, POD_NAMESPACE, CONTAINER_NAME}) {
            String v = labels.get(key);
            if (v != null && !v.isEmpty()) {
                out.put(key, v.length() > MAX_VALUE ? v.substring(0, MAX_VALUE) : v);
            }
        }
        return out;
    }
}
