package io.boxscope.proc.container;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a runtime's API says of one of its containers. {@code labels} keeps only the Kubernetes
 * labels a runtime puts on a pod's containers ({@link KubernetesLabels}), so that the pod and
 * namespace can be shown without carrying every label of every container.
 */
public record RuntimeContainer(String id, String name, String image, String state, Map<String, String> labels) {
    public RuntimeContainer {
        labels = java.util.Collections.unmodifiableMap(new TreeMap<>(KubernetesLabels.keep(labels)));
    }

    public RuntimeContainer(String id, String name, String image, String state) {
        this(id, name, image, state, Map.of());
    }
}
