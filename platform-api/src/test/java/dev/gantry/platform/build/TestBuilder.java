package dev.gantry.platform.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/**
 * A builder for the platform's wiring tests: a source tree with a {@code gantry-test-image} file names one of
 * {@link dev.gantry.platform.instance.TestImages}' images ({@code fail} makes the build fail), so pushes go
 * through git, the build stage, releases and the rollout without running real buildpacks. Other sources
 * are built by the real builder.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class TestBuilder implements AppBuilder {

    /** Sources without the marker are built for real, with buildpacks. */
    @jakarta.inject.Inject
    BuildpackAppBuilder real;

    @Override
    public Output build(Input input, Consumer<String> lines) throws InterruptedException {
        Path marker = input.source().resolve("gantry-test-image");
        if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
            return real.build(input, lines);
        }
        String image;
        try {
            image = Files.readString(marker).trim();
        } catch (IOException e) {
            throw new BuildFailure("cannot read " + marker, e);
        }
        lines.accept("-----> Test buildpack detected (" + image + ")");
        Thread.sleep(200);
        if (image.equals("fail")) {
            lines.accept("compiling... error: this build fails on purpose");
            throw new BuildFailure("compile exited with code 1", null);
        }
        lines.accept("-----> Compiled " + image);
        return new Output(image, Map.of("web", "serve"), "test");
    }
}
