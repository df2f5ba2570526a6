package dev.gantry.platform.build;

import java.util.function.Consumer;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

/** Used only when no buildpack builder is wired in. */
@DefaultBean
@ApplicationScoped
public class NoBuilder implements AppBuilder {

    @Override
    public Output build(Input input, Consumer<String> lines) {
        throw new BuildFailure("this platform has no builder configured", null);
    }
}
