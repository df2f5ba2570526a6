package dev.gantry.build.stack;

import dev.gantry.engine.spec.MountSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A self-contained stack: a complete root filesystem in a directory (e.g. one made by
 * {@link DebianStackBuilder}), used as the lowest overlay layer. Only the host's {@code /etc/resolv.conf} and CA
 * bundle are bind-mounted (read-only), so name resolution and TLS trust work as on the host.
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

    /** The CA bundle, where Debian's ca-certificates (on the host and in the stack) keeps it. */
    private static final String CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

    @Override
    public List<MountSpec> mounts() {
        List<MountSpec> mounts = new java.util.ArrayList<>();
        List<String> options = List.of("bind", "ro", "nosuid", "nodev", "noexec");
        if (Files.isRegularFile(Path.of("/etc/resolv.conf"))) {
            mounts.add(new MountSpec("/etc/resolv.conf", "bind", "/etc/resolv.conf", options));
        }
        // Trust what the host trusts (an operator's proxy or private registry CA included) when the stack keeps its
        // CAs in the same bundle; the stack's own bundle stays in its image for elsewhere.
        if (Files.isRegularFile(Path.of(CA_BUNDLE)) && Files.isRegularFile(rootfs.resolve(CA_BUNDLE.substring(1)))) {
            mounts.add(new MountSpec(CA_BUNDLE, "bind", CA_BUNDLE, options));
        }
        return mounts;
    }

    @Override
    public String shell() {
        return Files.exists(rootfs.resolve("bin/bash")) || Files.exists(rootfs.resolve("usr/bin/bash")) ? "/bin/bash" : "/bin/sh";
    }
}
