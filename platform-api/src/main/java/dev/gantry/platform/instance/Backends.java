package dev.gantry.platform.instance;

import java.nio.file.Path;

import dev.gantry.engine.LinuxContainerRuntime;
import dev.gantry.platform.GantryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** Chooses where instances run. Today: the local engine, with its state in {@code <data>/engine}. */
@ApplicationScoped
public class Backends {

    @Inject
    GantryConfig config;

    @Inject
    ImageLauncher images;

    @Produces
    @Singleton
    InstanceBackend backend() {
        Path data = config.dataDir();
        LinuxContainerRuntime runtime = new LinuxContainerRuntime(data.resolve("engine"));
        LocalEngineBackend.NetworkMode mode = "host".equalsIgnoreCase(config.instances().network())
                ? LocalEngineBackend.NetworkMode.HOST : LocalEngineBackend.NetworkMode.ISOLATED;
        return new LocalEngineBackend(runtime, runtime.cgroups(), images, data.resolve("bundles"), mode);
    }
}
