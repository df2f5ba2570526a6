package dev.gantry.platform.instance;

import java.util.Map;

import dev.gantry.build.BuildException;
import dev.gantry.build.Builder;
import dev.gantry.build.image.Image;
import dev.gantry.build.launch.AppLauncher;
import dev.gantry.engine.spec.RuntimeSpec;
import dev.gantry.engine.sys.Syscalls;
import dev.gantry.platform.api.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Images built by buildpacks: the stack plus the slug at {@code /app}, run through the buildpacks' launcher. */
@ApplicationScoped
public class BuildpackImages implements ImageLauncher {

    /** Open files per instance: generous for apps, never above what the engine itself may grant. */
    private static final long NOFILE = 65_536;

    @Inject
    Builder builder;

    @Override
    public RuntimeSpec spec(String image, String type, String command, Map<String, String> env, String hostname) {
        long nofile = Math.min(NOFILE, Syscalls.getrlimit(Syscalls.RLIMIT_NOFILE)[1]);
        try {
            Image i = builder.images().get(image);
            return command != null ? AppLauncher.command(i, command, env, builder.stack(), nofile)
                    : AppLauncher.spec(i, type, env, builder.stack(), nofile);
        } catch (BuildException e) {
            throw ApiException.invalid(e.getMessage());
        }
    }
}
