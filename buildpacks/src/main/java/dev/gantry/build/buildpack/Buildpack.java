package dev.gantry.build.buildpack;

import java.nio.file.Path;

/**
 * A Heroku buildpack API v2 directory ({@code bin/detect}, {@code bin/compile}, {@code bin/release}) on the
 * host, mounted read-only into the build container. {@code source} is what the user asked for (a built-in's
 * name, a directory, a git URL).
 */
public record Buildpack(String source, Path dir, boolean builtin) {
}
