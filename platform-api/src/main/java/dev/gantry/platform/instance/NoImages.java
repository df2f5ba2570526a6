package dev.gantry.platform.instance;

import java.util.Map;

import dev.gantry.engine.spec.RuntimeSpec;
import dev.gantry.platform.api.ApiException;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

/** Used only when no image store is wired in: every launch fails with a clear reason. */
@DefaultBean
@ApplicationScoped
public class NoImages implements ImageLauncher {

    @Override
    public RuntimeSpec spec(String image, String type, String command, Map<String, String> env, String hostname) {
        throw ApiException.invalid("image " + image + " cannot run: this platform has no image store");
    }
}
