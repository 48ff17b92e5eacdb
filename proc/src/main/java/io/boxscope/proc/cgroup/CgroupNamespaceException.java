package io.boxscope.proc.cgroup;

/**
 * A cgroup path cannot be placed in the host's cgroup tree: this process runs in a private cgroup
 * namespace (cgroup_namespaces(7)) whose root it could not find under {@code <sys-root>/fs/cgroup}.
 * Unchecked like {@link io.boxscope.proc.ProcParseException}: it ends the command with its message.
 */
public final class CgroupNamespaceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CgroupNamespaceException(String message) {
        super(message);
    }
}
