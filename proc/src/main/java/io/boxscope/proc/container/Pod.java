package io.boxscope.proc.container;

/** The Kubernetes pod a container belongs to, as its cgroup path tells: UID and QoS class. */
public record Pod(String uid, QosClass qos) {
    /** Kubernetes QoS classes; each has its own cgroup level under {@code kubepods}. */
    public enum QosClass {
        GUARANTEED("Guaranteed"), BURSTABLE("Burstable"), BEST_EFFORT("BestEffort");

        private final String label;

        QosClass(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
