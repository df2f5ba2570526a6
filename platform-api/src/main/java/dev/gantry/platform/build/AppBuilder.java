package dev.gantry.platform.build;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns an app's source tree into an image with buildpacks, inside a build container in the tenant's cgroup
 * budget. Output lines go to {@code lines} as they happen.
 */
public interface AppBuilder {

    record Input(long appId, String tenant, String app, Path source, Map<String, String> config) {
    }

    /** The image and its process types (from the Procfile or the buildpack's defaults). */
    record Output(String image, Map<String, String> processTypes, String buildpacks) {
    }

    /** @throws BuildFailure with the reason users should read */
    Output build(Input input, Consumer<String> lines) throws InterruptedException;

    /** A build that did not produce an image; the message says why in words. */
    class BuildFailure extends RuntimeException {
        public BuildFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
