package dev.gantry.platform.instance;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.gantry.build.Builder;
import dev.gantry.build.stack.DirectoryStack;
import dev.gantry.build.stack.HostStack;
import dev.gantry.engine.LinuxContainerRuntime;
import dev.gantry.platform.GantryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The machine-level parts the platform runs on, made once: Gantry's engine (state in {@code <data>/engine}),
 * the buildpack builder with its image store and the default {@code host} stack, and the instance backend.
 */
@ApplicationScoped
public class Backends {

    @Inject
    GantryConfig config;

    @Produces
    @Singleton
    LinuxContainerRuntime engine() {
        return new LinuxContainerRuntime(config.dataDir().resolve("engine"));
    }

    @Produces
    @Singleton
    Builder builder(LinuxContainerRuntime engine) {
        Path data = config.dataDir();
        String stack = config.builds().stack();
        if ("host".equals(stack)) {
            return new Builder(data, engine, new HostStack(data.resolve("stacks")));
        }
        Path root = stack.contains("/") ? Path.of(stack) : data.resolve("stacks").resolve(stack);
        if (!Files.isDirectory(root.resolve("usr"))) {
            throw new IllegalStateException("GANTRY_BUILDS_STACK=" + stack + ": no stack at " + root
                    + " (make one with ./gantry stack build bookworm)");
        }
        return new Builder(data, engine, new DirectoryStack(root.getFileName().toString(), root));
    }

    @Produces
    @Singleton
    InstanceBackend backend(LinuxContainerRuntime engine, ImageLauncher images) {
        LocalEngineBackend.NetworkMode mode = "host".equalsIgnoreCase(config.instances().network())
                ? LocalEngineBackend.NetworkMode.HOST : LocalEngineBackend.NetworkMode.ISOLATED;
        return new LocalEngineBackend(engine, engine.cgroups(), images, config.dataDir().resolve("bundles"), mode);
    }
}
