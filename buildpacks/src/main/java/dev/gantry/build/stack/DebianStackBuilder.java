package dev.gantry.build.stack;

import dev.gantry.build.BuildErrorCode;
import dev.gantry.build.BuildException;
import dev.gantry.build.image.ImageStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code ./gantry stack build bookworm}: a Debian root filesystem made with debootstrap ({@code --variant=minbase})
 * from the apt registry, with the runtimes the built-in buildpacks use, the app user (1000) in
 * passwd/group, and nothing of the host. Written to {@code <stacks>/<suite>.tmp-…} and renamed to
 * {@code <stacks>/<suite>} when complete, so a failed run leaves nothing half-made.
 */
public final class DebianStackBuilder {

    public static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";
    /** Bash, TLS, git, and the toolchains of the built-in buildpacks (Debian's nodejs/npm, python3, JDK 17, Maven). */
    public static final List<String> DEFAULT_PACKAGES = List.of("bash", "ca-certificates", "curl", "git", "procps",
            "python3", "python3-venv", "nodejs", "npm", "openjdk-17-jdk-headless", "maven");

    private DebianStackBuilder() {
    }

    public static DirectoryStack build(Path stacksDir, String suite, String mirror, List<String> packages,
                                       Consumer<String> lines) {
        if (!suite.matches("[a-z]+")) {
            throw new BuildException(BuildErrorCode.INVALID, "not a Debian suite name: " + suite);
        }
        Path target = stacksDir.resolve(suite);
        Path tmp = stacksDir.resolve(suite + ".tmp-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectories(stacksDir);
            List<String> cmd = List.of("debootstrap", "--variant=minbase", suite, tmp.toString(), mirror);
            lines.accept("-----> " + String.join(" ", cmd));
            run(cmd, lines);
            // Packages go in with apt inside the new tree, not debootstrap's --include: debootstrap's own resolver
            // fails to configure packages with deep dependency trees (npm), apt does not.
            if (!packages.isEmpty()) {
                Files.copy(Path.of("/etc/resolv.conf"), tmp.resolve("etc/resolv.conf"), StandardCopyOption.REPLACE_EXISTING);
                List<String> install = new ArrayList<>(List.of("chroot", tmp.toString(), "/usr/bin/env", "-i",
                        "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install",
                        "-y", "-q", "--no-install-recommends"));
                install.addAll(packages);
                lines.accept("-----> apt-get install " + String.join(" ", packages));
                run(install, lines);
                Files.writeString(tmp.resolve("etc/resolv.conf"), ""); // containers get their own
            }
            // The app user, like the host stack's; no host files are copied in.
            Files.writeString(tmp.resolve("etc/passwd"), "app:x:1000:1000:app:/app:/bin/bash\n", java.nio.file.StandardOpenOption.APPEND);
            Files.writeString(tmp.resolve("etc/group"), "app:x:1000:\n", java.nio.file.StandardOpenOption.APPEND);
            Files.createDirectories(tmp.resolve("app"));
            for (String d : List.of("var/cache/apt/archives", "var/lib/apt/lists")) {
                clean(tmp.resolve(d));
            }
            if (Files.exists(target)) {
                Path old = stacksDir.resolve(suite + ".old-" + UUID.randomUUID().toString().substring(0, 8));
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                lines.accept("       the previous " + suite + " stack was moved to " + old + " (containers may still use it)");
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            lines.accept("-----> Stack " + suite + " ready in " + target);
            return new DirectoryStack(suite, target);
        } catch (IOException e) {
            ImageStore.deleteTree(tmp);
            throw new BuildException(BuildErrorCode.IO, "build stack " + suite + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            ImageStore.deleteTree(tmp);
            throw e;
        }
    }

    /** The stack built earlier, or null. */
    public static DirectoryStack existing(Path stacksDir, String suite) {
        Path p = stacksDir.resolve(suite);
        return Files.isDirectory(p.resolve("usr")) ? new DirectoryStack(suite, p) : null;
    }

    private static void clean(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (Files.isRegularFile(p)) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void run(List<String> cmd, Consumer<String> lines) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new BuildException(BuildErrorCode.IO, "run " + cmd.get(0) + " (apt-get install debootstrap): " + e.getMessage(), e);
        }
        p.getOutputStream().close();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.accept("       " + line);
            }
        }
        try {
            int rc = p.waitFor();
            if (rc != 0) {
                throw new BuildException(BuildErrorCode.IO, cmd.get(0) + " exited " + rc);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new BuildException(BuildErrorCode.IO, "interrupted", e);
        }
    }
}
