package dev.gantry.platform.instance;

import java.util.Map;

import dev.gantry.engine.spec.RuntimeSpec;

/**
 * Turns a release's image into the engine spec of a process: its layers as the rootfs, the process type's
 * command (or a one-off command) as the process, with the platform's secure defaults. The backend then adds
 * the cgroup, the limits and the network.
 */
public interface ImageLauncher {

    /**
     * @param command a shell command for one-off runs, or null to run the process type {@code type}
     * @param env     the whole environment, {@code PORT} included
     * @throws dev.gantry.platform.api.ApiException 422 if the image has no such process type
     */
    RuntimeSpec spec(String image, String type, String command, Map<String, String> env, String hostname);
}
