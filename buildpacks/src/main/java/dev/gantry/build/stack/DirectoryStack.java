package dev.gantry.build.stack;

import dev.gantry.engine.spec.MountSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A self-contained stack: a complete root filesystem in a directory (e.g. one made by
 * {@link DebianStackBuilder}), used as the lowest overlay layer. Only the host's {@code /etc/resolv.conf} is
 * bind-mounted (read-only), so name resolution works as on the host.
 */
public final class DirectoryStack implements Stack {

    private final String name;
    private final Path rootfs;

    public DirectoryStack(String name, Path rootfs) {
        this.name = name;
        this.rootfs = rootfs.toAbsolutePath();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Path rootfs() {
        return rootfs;
    }

    @Override
    public List<MountSpec> mounts() {
        return Files.isRegularFile(Path.of("/etc/resolv.conf"))
                ? List.of(new MountSpec("/etc/resolv.conf", "bind", "/etc/resolv.conf", List.of("bind", "ro", "nosuid", "nodev", "noexec")))
                : List.of();
    }

    @Override
    public String shell() {
        return Files.exists(rootfs.resolve("bin/bash")) || Files.exists(rootfs.resolve("usr/bin/bash")) ? "/bin/bash" : "/bin/sh";
    }
}
