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
            long prepared = System.nanoTime();
            try (BuildContainer c = new BuildContainer(runtime, containerId, work, stack, req, app, cache, env, bps, buildEnv)) {
                c.timings[0] = prepared - start;
                c.timings[1] = System.nanoTime() - prepared;
                boolean explicit = chosenExplicitly(req, app);
                if (explicit) {
                    lines.accept("-----> Buildpacks chosen by " + explicitSource(req, app) + ": "
                            + String.join(", ", chosen.stream().map(Buildpack::source).toList()));
                } else {
                    lines.accept("-----> Detecting buildpack (in order: " + String.join(", ",
                            chosen.stream().map(Buildpack::source).toList()) + ")");
                }
                // One exec runs every bin/detect (each exec costs a few tens of ms): with detection it stops at
                // the first that says yes; explicit buildpacks must all say yes.
                List<Detect> detects = detectAll(c, chosen.size(), !explicit);
                List<String> why = new ArrayList<>();
                int found = -1;
                for (Detect d : detects) {
                    Buildpack bp = chosen.get(d.index());
                    if (d.exitCode() == 0) {
                        names.add(d.output().isEmpty() ? bp.source() : d.output().get(0).strip());
                        if (!explicit) {
                            found = d.index();
                            lines.accept("       " + bp.source() + ": yes (" + names.get(0) + ")");
                        }
                    } else {
                        String out = String.join(" ", d.output()).strip();
                        if (explicit) {
                            throw new BuildFailedException(BuildErrorCode.NO_DETECT, "buildpack " + bp.source()
                                    + " does not detect this app (its bin/detect exited " + d.exitCode()
                                    + (out.isEmpty() ? "" : ": " + out) + ")", d.exitCode(), d.output());
                        }
                        why.add(bp.source() + ": " + (out.isEmpty() ? "no" : out));
                        lines.accept("       " + bp.source() + ": no" + (out.isEmpty() ? "" : " (" + out + ")"));
                    }
                }
                if (!explicit) {
                    if (found < 0) {
                        lines.accept(" !     No buildpack detected this app.");
                        throw new BuildFailedException(BuildErrorCode.NO_DETECT,
                                "no buildpack detected this app; looked for: " + String.join("; ", why)
                                        + ". Add a Procfile, or set BUILDPACK_URL or a .buildpacks file.", -1, List.of());
                    }
                    return finish(req, lines, start, app, c, List.of(found), List.of(chosen.get(found)), names, processTypes);
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
        }
        releaseAll(c, idx, chosen, processTypes);
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
        List<String> env = List.of("PATH=/app/bin:" + stack.path(), "HOME=/app", "LANG=C.UTF-8", "STACK=" + stack.name());
        String digest = images.put(tar, env, "/app", processTypes, names);
        lines.accept(String.format("       Done: %.1fM, image %s", size / 1048576.0, digest));
        long end = System.nanoTime();
        Duration took = Duration.ofNanos(end - start);
        long steps = stepsDone - start - c.timings[0] - c.timings[1];
        lines.accept(String.format("-----> Build finished in %.2f s (prepare %.2f, container start %.2f, buildpacks %.2f,"
                        + " container stop %.2f, slug and image %.2f)", took.toNanos() / 1e9, c.timings[0] / 1e9,
                c.timings[1] / 1e9, steps / 1e9, (closed - stepsDone) / 1e9, (end - closed) / 1e9));
        return new BuildResult(digest, processTypes, names, took);
    }

    record Detect(int index, int exitCode, List<String> output) {
    }

    private static final String DETECT_SCRIPT = """
            n=$1; first=$2; i=0
            while [ $i -lt $n ]; do
              out=$(/buildpacks/$i/bin/detect /app 2>&1); rc=$?
              printf '@@gantry-detect %s %s\\n' $i $rc; [ -n "$out" ] && printf '%s\\n' "$out"
              [ $rc -eq 0 ] && [ "$first" = 1 ] && break
              i=$((i+1))
            done
            """;

    private static List<Detect> detectAll(BuildContainer c, int n, boolean stopAtFirst) {
        BuildContainer.StepResult r = c.run(List.of("/bin/sh", "-c", DETECT_SCRIPT, "sh", Integer.toString(n),
                stopAtFirst ? "1" : "0"), null, 10_000);
        checkLimits(c, r, "detect");
        List<Detect> out = new ArrayList<>();
        int index = -1;
        int rc = 0;
        List<String> text = new ArrayList<>();
        for (String line : r.output()) {
            if (line.startsWith("@@gantry-detect ")) {
                if (index >= 0) {
                    out.add(new Detect(index, rc, text));
                }
                String[] f = line.split(" ");
                index = Integer.parseInt(f[1]);
                rc = Integer.parseInt(f[2]);
                text = new ArrayList<>();
            } else if (index >= 0 && text.size() < 5) {
                text.add(line);
            }
        }
        if (index >= 0) {
            out.add(new Detect(index, rc, text));
        }
        return out;
    }

    private static final String RELEASE_SCRIPT = """
            for i in "$@"; do
              if [ -e /buildpacks/$i/bin/release ]; then
                out=$(/buildpacks/$i/bin/release /app 2>/dev/null); rc=$?
              else
                out=; rc=0
              fi
              printf '@@gantry-release %s %s\\n' $i $rc; printf '%s\\n' "$out"
            done
            """;

    /** Every bin/release in one exec; default_process_types of later buildpacks override earlier ones. */
    private static void releaseAll(BuildContainer c, List<Integer> idx, List<Buildpack> chosen, Map<String, String> types) {
        List<String> args = new ArrayList<>(List.of("/bin/sh", "-c", RELEASE_SCRIPT, "sh"));
        idx.forEach(i -> args.add(Integer.toString(i)));
        BuildContainer.StepResult r = c.run(args, null, 100_000);
        checkLimits(c, r, "release");
        int k = -1;
        StringBuilder yaml = new StringBuilder();
        for (String line : r.output()) {
            if (line.startsWith("@@gantry-release ")) {
                if (k >= 0) {
                    types.putAll(ReleaseYaml.defaultProcessTypes(yaml.toString()));
                }
                String[] f = line.split(" ");
                k++;
                int rc = Integer.parseInt(f[2]);
                if (rc != 0) {
                    throw new BuildFailedException(BuildErrorCode.RELEASE_FAILED, "bin/release of " + chosen.get(k).source()
                            + " failed with exit code " + rc, rc, List.of());
                }
                yaml.setLength(0);
            } else {
                yaml.append(line).append('\n');
            }
        }
        if (k >= 0) {
            types.putAll(ReleaseYaml.defaultProcessTypes(yaml.toString()));
        }
        if (r.exitCode() != 0) {
            throw new BuildFailedException(BuildErrorCode.RELEASE_FAILED, "bin/release failed (exit " + r.exitCode() + ")",
                    r.exitCode(), r.output());
        }
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
