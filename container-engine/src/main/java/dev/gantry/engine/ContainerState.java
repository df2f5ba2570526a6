package dev.gantry.engine;

import java.util.Map;

/**
 * The OCI state of a container ({@code ociVersion, id, status, pid, bundle, annotations}) plus
 * what Gantry adds: creation time, the cgroup, and the exit status once stopped.
 */
public record ContainerState(
        String ociVersion,
        String id,
        ContainerStatus status,
        Integer pid,
        String bundle,
        Map<String, String> annotations,
        String created,
        String cgroupsPath,
        ExitStatus exit) {

    /**
     * The container's IPv4 address when its spec asked for a tenant network
     * ({@code dev.gantry.network.tenant}), else null; the same as the annotation
     * {@code dev.gantry.network.address}.
     */
    public String networkAddress() {
        return annotations == null ? null : annotations.get("dev.gantry.network.address");
    }
}
