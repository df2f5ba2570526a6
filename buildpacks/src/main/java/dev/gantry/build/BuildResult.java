package dev.gantry.build;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A successful build: the image's manifest digest ({@code sha256:…}) in the {@code ImageStore}, the process
 * types (Procfile over the buildpacks' defaults), the buildpacks that ran, in order, and how long it took.
 */
public record BuildResult(String imageDigest, Map<String, String> processTypes, List<String> buildpacks,
                          Duration duration) {

    public BuildResult {
        processTypes = Map.copyOf(processTypes);
        buildpacks = List.copyOf(buildpacks);
    }
}
