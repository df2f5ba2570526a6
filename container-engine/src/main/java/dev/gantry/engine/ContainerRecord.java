package dev.gantry.engine;

import java.util.Map;

/** What the engine persists per container in {@code <state-dir>/<id>/state.json}. */
public record ContainerRecord(
        String id,
        String ociVersion,
        String bundle,
        String rootfs,
        boolean overlay,
        String cgroupsPath,
        int pid,
        long pidStartTime,
        int shimPid,
        long shimStartTime,
        String created,
        Map<String, String> annotations) {

    public ContainerRecord withProcesses(int newPid, long newPidStart, int newShimPid, long newShimStart) {
        return new ContainerRecord(id, ociVersion, bundle, rootfs, overlay, cgroupsPath, newPid, newPidStart,
                newShimPid, newShimStart, created, annotations);
    }

    public ContainerRecord withAnnotations(Map<String, String> a) {
        return new ContainerRecord(id, ociVersion, bundle, rootfs, overlay, cgroupsPath, pid, pidStartTime,
                shimPid, shimStartTime, created, a);
    }
}
