package dev.gantry.platform.kubernetes;

import java.util.Map;

/**
 * A one-off run of an app's release in a cluster: {@code command} in a fresh pod of {@code image} (a registry
 * reference), with the release's config, inside the size given; it ends by itself after {@code deadlineSeconds}.
 */
public record KubeRun(String tenant, String app, String name, String image, String command, Map<String, String> env,
                      int memoryMb, int millicpus, long deadlineSeconds) {
}
