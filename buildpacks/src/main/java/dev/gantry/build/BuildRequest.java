package dev.gantry.build;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One build.
 *
 * @param appId       the app's stable key (e.g. {@code <tenant>-<app>}): names the build cache, a DNS label
 * @param sourceDir   an exported source tree; it is copied, never modified
 * @param configVars  the app's config vars, given to bin/compile as files in ENV_DIR
 * @param buildpacks  explicit buildpacks (built-in names, directories, git URLs with optional {@code #ref});
 *                    empty means: the {@code BUILDPACK_URL} config var, else a {@code .buildpacks} file, else detection
 * @param limits      memory, CPU, pids and wall-clock limits of the build container
 * @param cgroupParent cgroup under which the build container's cgroup is made (e.g. {@code gantry/<tenant>/<app>/build});
 *                    null for {@code gantry/builds}
 * @param annotations copied onto the build container's spec (e.g. the networking branch's
 *                    {@code dev.gantry.network.*} annotations)
 * @param hostNetwork TEMPORARY until container networking lands: share the host's network namespace so
 *                    package registries are reachable; false gives an isolated namespace with loopback only
 */
public record BuildRequest(String appId, Path sourceDir, Map<String, String> configVars, List<String> buildpacks,
                           BuildLimits limits, String cgroupParent, Map<String, String> annotations,
                           boolean hostNetwork) {

    public BuildRequest {
        if (appId == null || !appId.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
            throw new BuildException(BuildErrorCode.INVALID, "app id must be a DNS label, got " + appId);
        }
        if (sourceDir == null) {
            throw new BuildException(BuildErrorCode.INVALID, "source dir missing");
        }
        configVars = configVars == null ? Map.of() : Map.copyOf(configVars);
        buildpacks = buildpacks == null ? List.of() : List.copyOf(buildpacks);
        limits = limits == null ? BuildLimits.DEFAULT : limits;
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public static BuildRequest of(String appId, Path sourceDir) {
        return new BuildRequest(appId, sourceDir, Map.of(), List.of(), BuildLimits.DEFAULT, null, Map.of(), false);
    }

    public BuildRequest withConfigVars(Map<String, String> v) {
        return new BuildRequest(appId, sourceDir, v, buildpacks, limits, cgroupParent, annotations, hostNetwork);
    }

    public BuildRequest withBuildpacks(List<String> b) {
        return new BuildRequest(appId, sourceDir, configVars, b, limits, cgroupParent, annotations, hostNetwork);
    }

    public BuildRequest withLimits(BuildLimits l) {
        return new BuildRequest(appId, sourceDir, configVars, buildpacks, l, cgroupParent, annotations, hostNetwork);
    }

    public BuildRequest withCgroupParent(String p) {
        return new BuildRequest(appId, sourceDir, configVars, buildpacks, limits, p, annotations, hostNetwork);
    }

    public BuildRequest withAnnotations(Map<String, String> a) {
        return new BuildRequest(appId, sourceDir, configVars, buildpacks, limits, cgroupParent, a, hostNetwork);
    }

    public BuildRequest withHostNetwork(boolean h) {
        return new BuildRequest(appId, sourceDir, configVars, buildpacks, limits, cgroupParent, annotations, h);
    }
}
