package dev.gantry.platform.build;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.gantry.build.BuildException;
import dev.gantry.build.BuildFailedException;
import dev.gantry.build.BuildLimits;
import dev.gantry.build.BuildRequest;
import dev.gantry.build.BuildResult;
import dev.gantry.build.Builder;
import dev.gantry.engine.net.NetworkRequest;
import dev.gantry.platform.GantryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Builds with Gantry's buildpacks inside a build container whose cgroup sits below the tenant's
 * ({@code gantry/<tenant>/<app>/build-…}), so a build never takes more than the tenant's budget.
 */
@ApplicationScoped
public class BuildpackAppBuilder implements AppBuilder {

    @Inject
    Builder builder;

    @Inject
    GantryConfig config;

    @Override
    public Output build(Input input, Consumer<String> lines) {
        boolean isolated = !"host".equalsIgnoreCase(config.instances().network());
        BuildRequest request = BuildRequest.of("app-" + input.appId(), input.source())
                .withConfigVars(input.config())
                .withLimits(new BuildLimits(config.builds().memory() * 1024L * 1024L, config.builds().cpus(), 4096,
                        config.builds().timeout()))
                .withCgroupParent("gantry/" + input.tenant() + "/" + input.app())
                .withAnnotations(isolated ? Map.of(NetworkRequest.TENANT, input.tenant(), NetworkRequest.EGRESS, "true")
                        : Map.of())
                .withHostNetwork(!isolated);
        try {
            BuildResult r = builder.build(request, lines);
            return new Output(r.imageDigest(), r.processTypes(), String.join(", ", r.buildpacks()));
        } catch (BuildFailedException e) {
            List<String> last = e.lastLines();
            throw new BuildFailure(e.getMessage() + (last.isEmpty() ? "" : " — last lines: " + String.join(" | ",
                    last.subList(Math.max(0, last.size() - 3), last.size()))), e);
        } catch (BuildException e) {
            throw new BuildFailure(e.getMessage(), e);
        }
    }

}
