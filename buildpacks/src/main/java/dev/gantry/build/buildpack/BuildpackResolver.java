package dev.gantry.build.buildpack;

import dev.gantry.build.BuildErrorCode;
import dev.gantry.build.BuildException;
import dev.gantry.build.image.Digests;
import dev.gantry.build.image.ImageStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Turns what a user names into buildpack directories: a built-in's name ({@code nodejs}, or Heroku's
 * {@code heroku/nodejs}), a local directory or {@code file://} directory, or a git URL with an optional
 * {@code #ref} (cloned shallowly with only the file, git, http and https protocols allowed).
 * The built-ins ship inside this jar and are extracted under {@code <dir>/builtin-<hash>/}.
 */
public final class BuildpackResolver {

    /** Built-ins in detection order. */
    public static final List<String> BUILTINS = List.of("nodejs", "java-maven", "python", "static", "procfile");

    private static final Map<String, String> ALIASES = Map.of(
            "node", "nodejs", "heroku/nodejs", "nodejs", "java", "java-maven", "heroku/java", "java-maven",
            "maven", "java-maven", "heroku/python", "python", "heroku/static", "static");

    private final Path builtinDir;

    public BuildpackResolver(Path dir) {
        this.builtinDir = extractBuiltins(dir);
    }

    public List<Buildpack> builtins() {
        return BUILTINS.stream().map(n -> new Buildpack(n, builtinDir.resolve(n), true)).toList();
    }

    /** Resolves one entry; git clones go under {@code workDir}. */
    public Buildpack resolve(String entry, Path workDir) {
        String e = entry.strip();
        String name = ALIASES.getOrDefault(e.toLowerCase(Locale.ROOT), e.toLowerCase(Locale.ROOT));
        if (BUILTINS.contains(name)) {
            return new Buildpack(name, builtinDir.resolve(name), true);
        }
        String url = e;
        String ref = null;
        int hash = e.indexOf('#');
        if (hash >= 0) {
            url = e.substring(0, hash);
            ref = e.substring(hash + 1);
        }
        Path local = url.startsWith("file://") ? Path.of(url.substring(7)) : url.startsWith("/") ? Path.of(url) : null;
        if (local != null && Files.isDirectory(local) && !Files.isDirectory(local.resolve(".git")) && ref == null) {
            return checked(e, local);
        }
        if (local == null && !url.matches("(https?|git)://.+|[\\w.-]+@[\\w.-]+:.+")) {
            throw new BuildException(BuildErrorCode.BUILDPACK_NOT_FOUND, "unknown buildpack '" + e
                    + "': not a built-in (" + String.join(", ", BUILTINS) + "), a directory or a git URL");
        }
        Path dest = workDir.resolve("bp-" + UUID.randomUUID().toString().substring(0, 8));
        clone(e, url, ref, dest);
        return checked(e, dest);
    }

    private static Buildpack checked(String source, Path dir) {
        if (!Files.isRegularFile(dir.resolve("bin/compile"))) {
            throw new BuildException(BuildErrorCode.BUILDPACK_NOT_FOUND, "buildpack " + source + " has no bin/compile");
        }
        return new Buildpack(source, dir.toAbsolutePath().normalize(), false);
    }

    private static void clone(String source, String url, String ref, Path dest) {
        List<String> cmd = new ArrayList<>(List.of("git", "clone", "-q", "--depth", "1"));
        if (ref != null && !ref.isEmpty()) {
            cmd.addAll(List.of("--branch", ref));
        }
        cmd.addAll(List.of("--", url, dest.toString()));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("GIT_ALLOW_PROTOCOL", "file:git:http:https");
            pb.environment().put("GIT_TERMINAL_PROMPT", "0");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new BuildException(BuildErrorCode.BUILDPACK_NOT_FOUND, "git clone " + source + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new BuildException(BuildErrorCode.BUILDPACK_NOT_FOUND, "git clone " + source + " failed: " + out);
            }
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.BUILDPACK_NOT_FOUND, "git clone " + source + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException(BuildErrorCode.BUILDPACK_NOT_FOUND, "interrupted cloning " + source, e);
        }
    }

    /** Extracts the built-ins listed in index.txt into a content-addressed directory (reused when present). */
    private static Path extractBuiltins(Path dir) {
        String base = "/dev/gantry/build/builtin/";
        try {
            List<String> files;
            try (InputStream in = BuildpackResolver.class.getResourceAsStream(base + "index.txt")) {
                if (in == null) {
                    throw new BuildException(BuildErrorCode.IO, "built-in buildpacks missing from the class path");
                }
                files = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                        .filter(l -> !l.isEmpty()).sorted().toList();
            }
            var md = Digests.sha256();
            Map<String, byte[]> content = new java.util.TreeMap<>();
            for (String f : files) {
                try (InputStream in = BuildpackResolver.class.getResourceAsStream(base + f)) {
                    if (in == null) {
                        throw new BuildException(BuildErrorCode.IO, "built-in buildpack file missing: " + f);
                    }
                    byte[] b = in.readAllBytes();
                    content.put(f, b);
                    md.update((f + "\0").getBytes(StandardCharsets.UTF_8));
                    md.update(b);
                }
            }
            Path target = dir.resolve("builtin-" + HexFormat.of().formatHex(md.digest()).substring(0, 16));
            if (Files.isDirectory(target)) {
                return target;
            }
            Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
            for (var en : content.entrySet()) {
                Path p = tmp.resolve(en.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, en.getValue());
                boolean exec = en.getKey().contains("/bin/") || en.getKey().endsWith(".sh");
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
            }
            try (var s = Files.walk(tmp)) {
                for (Path d : s.filter(Files::isDirectory).toList()) {
                    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                ImageStore.deleteTree(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "extract built-in buildpacks into " + dir + ": " + e.getMessage(), e);
        }
    }
}
