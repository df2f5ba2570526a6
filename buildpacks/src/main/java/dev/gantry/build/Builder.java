package dev.gantry.build;

import dev.gantry.build.buildpack.Buildpack;
import dev.gantry.build.buildpack.BuildpackResolver;
import dev.gantry.build.buildpack.Procfile;
import dev.gantry.build.image.ImageStore;
import dev.gantry.build.image.PortableImages;
import dev.gantry.build.stack.DirectoryStack;
import dev.gantry.build.stack.Stack;
import dev.gantry.engine.ContainerRuntime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Turns a source tree into an image with Heroku buildpack API v2 buildpacks, inside a build container.
 *
 * <p>Data layout under the data dir: {@code images/} (the OCI layout, {@link ImageStore}), {@code cache/<app>/}
 * (CACHE_DIR, kept between builds), {@code builds/<build-id>/} (removed after each build),
 * {@code buildpacks/} (the extracted built-ins). Builds of different apps may run concurrently; the platform
 * runs one build per app at a time (its deploy lock), since they share the app's cache.
 */
public final class Builder {

    /** Heroku's reproducible-builds convention: tools that honour it (pip, py_compile, many others) stamp this. */
    public static final String SOURCE_DATE_EPOCH = "315532800";

    private final Path dataDir;
    private final ContainerRuntime runtime;
    private final Stack stack;
    private final ImageStore images;
    private final BuildpackResolver resolver;

    public Builder(Path dataDir, ContainerRuntime runtime, Stack stack) {
        this.dataDir = dataDir.toAbsolutePath();
        this.runtime = runtime;
        this.stack = stack;
        this.images = new ImageStore(this.dataDir.resolve("images"));
        this.resolver = new BuildpackResolver(this.dataDir.resolve("buildpacks"));
    }

    public ImageStore images() {
        return images;
    }

    public Stack stack() {
        return stack;
    }

    /** The app's build cache directory (CACHE_DIR). */
    public Path cacheDir(String appId) {
        return dataDir.resolve("cache").resolve(appId);
    }

    /**
     * Builds {@code req.sourceDir()}; every line of output (Heroku style, {@code -----> …}) goes to {@code lines}
     * as it happens, from the calling thread.
     *
     * @throws BuildFailedException no buildpack detected the app, compile/release failed, timeout, OOM
     * @throws BuildException       bad request, unknown buildpack, engine or I/O failure
     */
    public BuildResult build(BuildRequest req, Consumer<String> lines) {
        long start = System.nanoTime();
        String buildId = req.appId() + "-" + UUID.randomUUID().toString().substring(0, 8);
        Path work = dataDir.resolve("builds").resolve(buildId);
        Path app = work.resolve("app");
        Path env = work.resolve("env");
        Path bps = work.resolve("buildpacks");
        Path cache = cacheDir(req.appId());
        try {
            if (!Files.isDirectory(req.sourceDir())) {
                throw new BuildException(BuildErrorCode.INVALID, "source dir " + req.sourceDir() + " is not a directory");
            }
            Files.createDirectories(work);
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx------"));
            Files.createDirectories(app);
            SourceCopier.copy(req.sourceDir(), app, 1000);
            SourceCopier.chown(app, 1000);
            if (!Files.isDirectory(cache)) {
                Files.createDirectories(cache);
                SourceCopier.chown(cache, 1000);
            }
            writeEnvDir(env, req.configVars());
            lines.accept("-----> Building " + req.appId() + " on the " + stack.name() + " stack");

            List<Buildpack> chosen = choose(req, app, work, lines);
            Files.createDirectories(bps);
            for (int i = 0; i < chosen.size(); i++) {
                copyBuildpack(chosen.get(i).dir(), bps.resolve(Integer.toString(i)));
            }
            SourceCopier.chownTree(bps, 1000);

            Map<String, String> buildEnv = new LinkedHashMap<>();
            buildEnv.put("PATH", stack.path());
            buildEnv.put("HOME", "/tmp");
            buildEnv.put("LANG", "C.UTF-8");
            buildEnv.put("STACK", stack.name());
            buildEnv.put("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH);
            buildEnv.put("GANTRY_APP", req.appId());
            buildEnv.put("REQUEST_ID", buildId);

            String containerId = "build-" + buildId;
            long prepared = System.nanoTime();
            try (BuildContainer c = new BuildContainer(runtime, containerId, work, stack, req, app, cache, env, bps, buildEnv)) {
                long started = System.nanoTime();
                boolean explicit = explicitSource(req, app) != null;
                if (explicit) {
                    lines.accept("-----> Buildpacks chosen by " + explicitSource(req, app) + ": "
                            + String.join(", ", chosen.stream().map(Buildpack::source).toList()));
                } else {
                    lines.accept("-----> Detecting buildpack (in order: " + String.join(", ",
                            chosen.stream().map(Buildpack::source).toList()) + ")");
                }
                Pipeline pipeline = new Pipeline(chosen, explicit, lines);
                List<String> names = pipeline.run(c);
                Map<String, String> processTypes = new LinkedHashMap<>(pipeline.processTypes());
                Path procfile = app.resolve("Procfile");
                if (Files.isRegularFile(procfile, LinkOption.NOFOLLOW_LINKS)) {
                    Map<String, String> p = Procfile.parse(Files.readString(procfile, StandardCharsets.UTF_8));
                    processTypes.putAll(p);
                    lines.accept("-----> Procfile declares types -> " + String.join(", ", p.keySet()));
                }
                if (!processTypes.isEmpty()) {
                    lines.accept("-----> Process types: " + String.join(", ", processTypes.keySet()));
                }
                long stepsDone = System.nanoTime();
                c.close(); // the build container is done: nothing may write into /app while it is packed
                long closed = System.nanoTime();
                lines.accept("-----> Compressing...");
                Path tar = images.writeSlug(app);
                long size = Files.size(tar);
                List<String> imageEnv = List.of("PATH=/app/bin:" + stack.path(), "HOME=/app", "LANG=C.UTF-8",
                        "STACK=" + stack.name());
                String digest = images.put(tar, imageEnv, "/app", processTypes, names);
                if (stack instanceof DirectoryStack d) {
                    // One image for every backend: the local engine runs the very digest a cluster pulls.
                    digest = PortableImages.export(images, digest, d);
                }
                lines.accept(String.format("       Done: %.1fM, image %s", size / 1048576.0, digest));
                long end = System.nanoTime();
                Duration took = Duration.ofNanos(end - start);
                lines.accept(String.format("-----> Build finished in %.2f s (prepare %.2f, container start %.2f, buildpacks %.2f,"
                                + " container stop %.2f, slug and image %.2f)", took.toNanos() / 1e9, (prepared - start) / 1e9,
                        (started - prepared) / 1e9, (stepsDone - started) / 1e9, (closed - stepsDone) / 1e9, (end - closed) / 1e9));
                return new BuildResult(digest, processTypes, names, took);
            }
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "build " + buildId + ": " + e.getMessage(), e);
        } finally {
            ImageStore.deleteTree(work);
        }
    }

    static void checkLimits(BuildContainer c, BuildContainer.StepResult r, String step, List<String> tail) {
        if (r.timedOut() || c.timedOut()) {
            throw new BuildFailedException(BuildErrorCode.TIMEOUT, "build killed: it ran over its wall-clock limit during "
                    + step, r.exitCode(), tail);
        }
        if (r.oomKilled() && r.exitCode() != 0) {
            throw new BuildFailedException(BuildErrorCode.OOM, "build killed: it ran out of its memory limit during "
                    + step + " (exit " + r.exitCode() + ")", r.exitCode(), tail);
        }
    }

    private static String explicitSource(BuildRequest req, Path app) {
        if (!req.buildpacks().isEmpty()) {
            return "the app's settings";
        }
        if (req.configVars().containsKey("BUILDPACK_URL") && !req.configVars().get("BUILDPACK_URL").isBlank()) {
            return "BUILDPACK_URL";
        }
        if (Files.isRegularFile(app.resolve(".buildpacks"), LinkOption.NOFOLLOW_LINKS)) {
            return ".buildpacks";
        }
        return null;
    }

    /** Explicit buildpacks (settings, BUILDPACK_URL, .buildpacks), else the built-ins in detection order. */
    private List<Buildpack> choose(BuildRequest req, Path app, Path work, Consumer<String> lines) throws IOException {
        List<String> entries = req.buildpacks();
        if (entries.isEmpty() && req.configVars().containsKey("BUILDPACK_URL") && !req.configVars().get("BUILDPACK_URL").isBlank()) {
            entries = List.of(req.configVars().get("BUILDPACK_URL"));
        }
        Path dotfile = app.resolve(".buildpacks");
        if (entries.isEmpty() && Files.isRegularFile(dotfile, LinkOption.NOFOLLOW_LINKS)) {
            entries = Files.readAllLines(dotfile).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
        if (entries.isEmpty()) {
            return resolver.builtins();
        }
        List<Buildpack> out = new ArrayList<>();
        for (String e : entries) {
            lines.accept("-----> Fetching buildpack " + e);
            out.add(resolver.resolve(e, work));
        }
        return out;
    }

    private static void writeEnvDir(Path env, Map<String, String> vars) throws IOException {
        Files.createDirectories(env);
        for (Map.Entry<String, String> v : vars.entrySet()) {
            if (!v.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new BuildException(BuildErrorCode.INVALID, "config var name " + v.getKey() + " is not a valid variable name");
            }
            Path f = env.resolve(v.getKey());
            Files.writeString(f, v.getValue());
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
            SourceCopier.chown(f, 1000);
        }
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("r-x------"));
        SourceCopier.chown(env, 1000);
    }

    /** A private, writable copy (buildpacks such as Heroku's write an {@code export} file into their own dir). */
    private static void copyBuildpack(Path src, Path dst) throws IOException {
        Path from = src.toRealPath();
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path rel = from.relativize(p);
                if (!rel.toString().isEmpty() && rel.getName(0).toString().equals(".git")) {
                    continue;
                }
                Path d = dst.resolve(rel.toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(d, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    Files.createDirectories(d);
                } else if (Files.isRegularFile(p)) {
                    Files.copy(p, d, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Path bin = dst.resolve("bin");
        if (Files.isDirectory(bin)) {
            try (Stream<Path> s = Files.list(bin)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
        }
    }
}
