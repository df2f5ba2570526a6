package dev.gantry.build.stack;

import dev.gantry.build.BuildErrorCode;
import dev.gantry.build.BuildException;
import dev.gantry.engine.spec.MountSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The default stack, made instantly from the host: the host's runtime directories ({@code /usr}, and
 * {@code /bin}, {@code /lib}, {@code /lib64}, {@code /sbin} when they are real directories rather than
 * merged-/usr symlinks) are bind-mounted read-only; {@code /etc/resolv.conf} and {@code /etc/hosts} too, so
 * DNS follows the host. Everything else comes from a small skeleton directory: empty mount points, the
 * merged-/usr symlinks, a generated {@code passwd}/{@code group} with only root, the app user (1000) and
 * nobody, and copies of an allow-list of non-secret {@code /etc} files (dynamic linker cache, nsswitch, TLS
 * certificates, alternatives symlinks, Java and Maven configuration, mime types). Never exposed:
 * {@code /etc/shadow} and the rest of {@code /etc}, {@code /root}, {@code /home}, {@code /opt}, {@code /var},
 * the data dir. The skeleton is rebuilt at every construction (a few ms) and stored under its content hash
 * ({@code <dir>/host-<hash>}), so it follows host upgrades without changing under running containers.
 */
public final class HostStack implements Stack {

    /** Host directories mounted read-only when they are directories (not symlinks into /usr). */
    public static final List<String> RUNTIME_DIRS = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");

    /** /etc entries copied into the skeleton (files, symlinks, or directories copied as they are). */
    public static final List<String> ETC_ALLOW = List.of(
            "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "nsswitch.conf", "host.conf", "gai.conf", "mime.types",
            "localtime", "timezone", "os-release", "debian_version", "protocols", "services", "ethertypes",
            "ssl/certs", "ssl/openssl.cnf", "ca-certificates.conf", "ca-certificates", "alternatives",
            "maven", "java-17-openjdk", "java-21-openjdk", "java-25-openjdk", "environment", "profile",
            "bash.bashrc", "inputrc", "magic", "magic.mime", "python3", "python3.11", "npmrc");

    /** /etc files bind-mounted read-only (live: DNS settings change with the host's network). */
    public static final List<String> ETC_BIND = List.of("/etc/resolv.conf", "/etc/hosts");

    private final Path rootfs;
    private final List<MountSpec> mounts;

    /** Makes (or finds) the skeleton under {@code dir}. */
    public HostStack(Path dir) {
        this(dir, Path.of("/"));
    }

    HostStack(Path dir, Path host) {
        Path tmp = dir.resolve(".tmp-" + UUID.randomUUID());
        Path target;
        try {
            Files.createDirectories(dir);
            makeSkeleton(tmp, host);
            // Content-addressed: a running container keeps using the skeleton it was created on, while a host
            // upgrade (new certificates, new alternatives) gives a new one. Old ones are tiny and left in place.
            target = dir.resolve("host-" + treeHash(tmp).substring(0, 16));
            if (Files.isDirectory(target)) {
                deleteQuietly(tmp);
            } else {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new BuildException(BuildErrorCode.IO, "make host stack in " + dir + ": " + e.getMessage(), e);
        }
        this.rootfs = target;
        List<MountSpec> m = new ArrayList<>();
        for (String d : RUNTIME_DIRS) {
            Path p = host.resolve(d.substring(1));
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                m.add(new MountSpec(d, "bind", p.toString(), List.of("rbind", "ro", "nosuid", "nodev")));
            }
        }
        for (String f : ETC_BIND) {
            Path p = host.resolve(f.substring(1));
            if (Files.isRegularFile(p)) {
                m.add(new MountSpec(f, "bind", p.toString(), List.of("bind", "ro", "nosuid", "nodev", "noexec")));
            }
        }
        this.mounts = List.copyOf(m);
    }

    @Override
    public String name() {
        return "host";
    }

    @Override
    public Path rootfs() {
        return rootfs;
    }

    @Override
    public List<MountSpec> mounts() {
        return mounts;
    }

    @Override
    public String shell() {
        return Files.isExecutable(Path.of("/usr/bin/bash")) || Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "/bin/sh";
    }

    private static void makeSkeleton(Path s, Path host) throws IOException {
        Files.createDirectories(s);
        for (String d : List.of("usr", "etc", "proc", "dev", "sys", "run", "app", "var/tmp", "var/lib", "home", "mnt", "cache", "env", "buildpacks")) {
            Files.createDirectories(s.resolve(d));
        }
        Files.createDirectories(s.resolve("tmp"));
        Files.setPosixFilePermissions(s.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(s.resolve("var/tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        setSticky(s.resolve("tmp"));
        setSticky(s.resolve("var/tmp"));
        for (String d : RUNTIME_DIRS) {
            Path h = host.resolve(d.substring(1));
            Path in = s.resolve(d.substring(1));
            if (Files.isSymbolicLink(h)) {
                Files.deleteIfExists(in);
                Files.createSymbolicLink(in, Files.readSymbolicLink(h));
            } else if (Files.isDirectory(h)) {
                Files.createDirectories(in);
            }
        }
        for (String e : ETC_ALLOW) {
            Path src = host.resolve("etc").resolve(e);
            if (Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
                copy(src, s.resolve("etc").resolve(e));
            }
        }
        for (String f : ETC_BIND) {
            Files.writeString(s.resolve(f.substring(1)), ""); // mount point
        }
        Files.writeString(s.resolve("etc/passwd"), """
                root:x:0:0:root:/root:/usr/sbin/nologin
                app:x:1000:1000:app:/app:/bin/bash
                nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
                """);
        Files.writeString(s.resolve("etc/group"), """
                root:x:0:
                app:x:1000:
                nogroup:x:65534:
                """);
        Files.writeString(s.resolve("etc/hostname"), "app\n");
    }

    /** Copies without following symlinks; directories recursively. */
    private static void copy(Path src, Path dst) throws IOException {
        Files.createDirectories(dst.getParent());
        if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dst);
            try (Stream<Path> s = Files.list(src)) {
                for (Path c : s.toList()) {
                    copy(c, dst.resolve(c.getFileName().toString()));
                }
            }
        } else if (Files.isSymbolicLink(src) || Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS) && !Files.isReadable(src)) {
                return;
            }
            Files.copy(src, dst, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    private static void setSticky(Path p) throws IOException {
        Files.setAttribute(p, "unix:mode", 01777);
    }

    /** sha256 over the sorted tree: names, types, modes, link targets and file contents. */
    static String treeHash(Path root) throws IOException {
        java.security.MessageDigest md = dev.gantry.build.image.Digests.sha256();
        List<Path> all;
        try (Stream<Path> s = Files.walk(root)) {
            all = s.map(root::relativize).map(Path::toString).sorted().map(root::resolve).toList();
        }
        for (Path p : all) {
            md.update((root.relativize(p) + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (Files.isSymbolicLink(p)) {
                md.update(("L" + Files.readSymbolicLink(p) + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                md.update(("F" + Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) + "\0")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(p));
            } else {
                md.update(("D" + Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) + "\0")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    private static void deleteQuietly(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (IOException ignored) {
            // best effort
        }
    }
}
