package dev.gantry.build;

import dev.gantry.build.buildpack.Buildpack;
import dev.gantry.build.buildpack.BuildpackResolver;
import dev.gantry.build.buildpack.Procfile;
import dev.gantry.build.buildpack.ReleaseYaml;
import dev.gantry.build.image.ImageStore;
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
    private static final int KEEP_LINES = 20;

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
            List<String> names = new ArrayList<>();
            Map<String, String> processTypes = new LinkedHashMap<>();
            try (BuildContainer c = new BuildContainer(runtime, containerId, work, stack, req, app, cache, env, bps, buildEnv)) {
                boolean explicit = chosenExplicitly(req, app);
                if (explicit) {
                    lines.accept("-----> Buildpacks chosen by " + explicitSource(req, app) + ": "
                            + String.join(", ", chosen.stream().map(Buildpack::source).toList()));
                    for (int i = 0; i < chosen.size(); i++) {
                        String n = detect(c, i, chosen.get(i));
                        if (n == null) {
                            throw new BuildFailedException(BuildErrorCode.NO_DETECT, "buildpack " + chosen.get(i).source()
                                    + " does not detect this app (its bin/detect exited non-zero)", -1, List.of());
                        }
                        names.add(n);
                    }
                } else {
                    lines.accept("-----> Detecting buildpack (in order: " + String.join(", ",
                            chosen.stream().map(Buildpack::source).toList()) + ")");
                    List<String> why = new ArrayList<>();
                    int found = -1;
                    for (int i = 0; i < chosen.size() && found < 0; i++) {
                        BuildContainer.StepResult r = c.run(List.of(bin(i, "detect"), BuildContainer.IN_APP), null, 5);
                        checkLimits(c, r, "detect");
                        String out = String.join(" ", r.output()).strip();
                        if (r.exitCode() == 0) {
                            found = i;
                            names.add(out.isEmpty() ? chosen.get(i).source() : r.output().get(0).strip());
                            lines.accept("       " + chosen.get(i).source() + ": yes (" + names.get(0) + ")");
                        } else {
                            why.add(chosen.get(i).source() + ": " + (out.isEmpty() ? "no" : out));
                            lines.accept("       " + chosen.get(i).source() + ": no" + (out.isEmpty() ? "" : " (" + out + ")"));
                        }
                    }
                    if (found < 0) {
                        lines.accept(" !     No buildpack detected this app.");
                        throw new BuildFailedException(BuildErrorCode.NO_DETECT,
                                "no buildpack detected this app; looked for: " + String.join("; ", why)
                                        + ". Add a Procfile, or set BUILDPACK_URL or a .buildpacks file.", -1, List.of());
                    }
                    chosen = List.of(chosen.get(found));
                    // renumber: the detected buildpack is /buildpacks/<found>
                    return finish(req, lines, start, app, c, List.of(found), chosen, names, processTypes);
                }
                List<Integer> idx = new ArrayList<>();
                for (int i = 0; i < chosen.size(); i++) {
                    idx.add(i);
                }
                return finish(req, lines, start, app, c, idx, chosen, names, processTypes);
            }
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "build " + buildId + ": " + e.getMessage(), e);
        } finally {
            ImageStore.deleteTree(work);
        }
    }

    /** Compile and release each chosen buildpack, then the Procfile, then the slug and the image. */
    private BuildResult finish(BuildRequest req, Consumer<String> lines, long start, Path app, BuildContainer c,
                               List<Integer> idx, List<Buildpack> chosen, List<String> names,
                               Map<String, String> processTypes) throws IOException {
        for (int k = 0; k < idx.size(); k++) {
            int i = idx.get(k);
            String script = "i=0; while [ $i -lt $1 ]; do [ -f /buildpacks/$i/export ] && . /buildpacks/$i/export; "
                    + "i=$((i+1)); done; shift; exec \"$@\"";
            BuildContainer.StepResult r = c.run(List.of("/bin/sh", "-c", script, "sh", Integer.toString(k == 0 ? 0 : i),
                    bin(i, "compile"), BuildContainer.IN_APP, BuildContainer.IN_CACHE, BuildContainer.IN_ENV), lines, KEEP_LINES);
            checkLimits(c, r, "compile");
            if (r.exitCode() != 0) {
                lines.accept(" !     Push rejected, failed to compile " + names.get(k) + " app (exit " + r.exitCode() + ")");
                throw new BuildFailedException(BuildErrorCode.COMPILE_FAILED, "bin/compile of " + chosen.get(k).source()
                        + " failed with exit code " + r.exitCode() + "; last lines:\n" + String.join("\n", r.output()),
                        r.exitCode(), r.output());
            }
            BuildContainer.StepResult rel = c.run(List.of(bin(i, "release"), BuildContainer.IN_APP), null, 200);
            checkLimits(c, rel, "release");
            if (rel.exitCode() != 0 && Files.exists(app.getParent().resolve("buildpacks").resolve(i + "/bin/release"))) {
                throw new BuildFailedException(BuildErrorCode.RELEASE_FAILED, "bin/release of " + chosen.get(k).source()
                        + " failed with exit code " + rel.exitCode(), rel.exitCode(), rel.output());
            }
            if (rel.exitCode() == 0) {
                processTypes.putAll(ReleaseYaml.defaultProcessTypes(String.join("\n", rel.output())));
            }
        }
        Path procfile = app.resolve("Procfile");
        if (Files.isRegularFile(procfile, LinkOption.NOFOLLOW_LINKS)) {
            Map<String, String> p = Procfile.parse(Files.readString(procfile, StandardCharsets.UTF_8));
            processTypes.putAll(p);
            lines.accept("-----> Procfile declares types -> " + String.join(", ", p.keySet()));
        }
        if (!processTypes.isEmpty()) {
            lines.accept("-----> Process types: " + String.join(", ", processTypes.keySet()));
        }
        c.close(); // the build container is done: nothing may write into /app while it is packed
        lines.accept("-----> Compressing...");
        Path tar = images.writeSlug(app);
        long size = Files.size(tar);
        List<String> env = List.of("PATH=/app/bin:" + stack.path(), "HOME=/app", "LANG=C.UTF-8", "STACK=" + stack.name());
        String digest = images.put(tar, env, "/app", processTypes, names);
        lines.accept(String.format("       Done: %.1fM, image %s", size / 1048576.0, digest));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        lines.accept(String.format("-----> Build finished in %.1f s", took.toMillis() / 1000.0));
        return new BuildResult(digest, processTypes, names, took);
    }

    private static void checkLimits(BuildContainer c, BuildContainer.StepResult r, String step) {
        if (r.timedOut() || c.timedOut()) {
            throw new BuildFailedException(BuildErrorCode.TIMEOUT, "build killed: it ran over its wall-clock limit during "
                    + step, r.exitCode(), r.output());
        }
        if (r.oomKilled()) {
            throw new BuildFailedException(BuildErrorCode.OOM, "build killed: it ran out of its memory limit during "
                    + step + " (exit " + r.exitCode() + ")", r.exitCode(), r.output());
        }
    }

    private static String detect(BuildContainer c, int i, Buildpack bp) {
        BuildContainer.StepResult r = c.run(List.of(bin(i, "detect"), BuildContainer.IN_APP), null, 5);
        checkLimits(c, r, "detect");
        if (r.exitCode() != 0) {
            return null;
        }
        return r.output().isEmpty() || r.output().get(0).isBlank() ? bp.source() : r.output().get(0).strip();
    }

    private static String bin(int i, String step) {
        return BuildContainer.IN_BUILDPACKS + "/" + i + "/bin/" + step;
    }

    private static boolean chosenExplicitly(BuildRequest req, Path app) {
        return explicitSource(req, app) != null;
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
