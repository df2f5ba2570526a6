package dev.gantry.build.stack;

import dev.gantry.engine.spec.MountSpec;

import java.nio.file.Path;
import java.util.List;

/**
 * The base filesystem apps build and run on. {@link #rootfs()} is a directory used as the lowest overlay
 * layer (read-only to containers); {@link #mounts()} are read-only bind mounts added on top of it (the
 * host stack's allow-listed host directories; empty for a self-contained stack).
 */
public interface Stack {

    /** The stack's name, given to buildpacks as {@code $STACK} (e.g. {@code host}, {@code bookworm}). */
    String name();

    Path rootfs();

    List<MountSpec> mounts();

    /** The shell Procfile commands run with: {@code /bin/bash} when the stack has it, else {@code /bin/sh}. */
    String shell();

    /** PATH inside containers on this stack. */
    default String path() {
        return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    }
}
