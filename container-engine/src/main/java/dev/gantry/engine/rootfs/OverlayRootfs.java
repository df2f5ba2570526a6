package dev.gantry.engine.rootfs;

import dev.gantry.engine.EngineException;
import dev.gantry.engine.ErrorCode;
import dev.gantry.engine.sys.Errno;
import dev.gantry.engine.sys.SyscallException;
import dev.gantry.engine.sys.Syscalls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A container rootfs as an overlay: read-only lower layers (image layers, topmost first) and a
 * per-container writable upper layer in the container's state dir. Deleting the container
 * unmounts it and removes upper/work, so nothing the container wrote survives.
 */
public final class OverlayRootfs {

    private final Path merged;
    private final Path upper;
    private final Path work;

    /** @param dir the container's state dir; rootfs/, upper/ and work/ are created in it */
    public OverlayRootfs(Path dir) {
        this.merged = dir.resolve("rootfs");
        this.upper = dir.resolve("upper");
        this.work = dir.resolve("work");
    }

    public Path merged() {
        return merged;
    }

    public Path upper() {
        return upper;
    }

    public void mount(List<Path> lowers) {
        if (lowers.isEmpty()) {
            throw new EngineException(ErrorCode.INVALID_SPEC, "overlay rootfs needs at least one lower layer");
        }
        for (Path l : lowers) {
            String s = l.toString();
            // ':' separates layers and ',' options in the overlay mount data
            if (s.contains(":") || s.contains(",")) {
                throw new EngineException(ErrorCode.INVALID_SPEC, "layer path " + s + " contains ':' or ','");
            }
            if (!Files.isDirectory(l)) {
                throw new EngineException(ErrorCode.INVALID_SPEC, "layer " + s + " does not exist");
            }
        }
        try {
            Files.createDirectories(merged);
            Files.createDirectories(upper);
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.IO, "create overlay dirs in " + merged.getParent() + ": " + e.getMessage(), e);
        }
        String data = "lowerdir=" + lowers.stream().map(Path::toString).collect(Collectors.joining(":"))
                + ",upperdir=" + upper + ",workdir=" + work;
        try {
            try {
                // "volatile" (5.10+) skips syncing the upper layer: it is thrown away on delete
                // anyway, and without it every unmount waits for a syncfs of the whole host fs.
                Syscalls.mount("overlay", merged.toString(), "overlay", 0, data + ",volatile");
            } catch (SyscallException e) {
                if (e.errno() != Errno.EINVAL) {
                    throw e;
                }
                Syscalls.mount("overlay", merged.toString(), "overlay", 0, data);
            }
        } catch (SyscallException e) {
            if (e.errno() == 19) { // ENODEV
                throw new EngineException(ErrorCode.KERNEL_FEATURE_MISSING, "overlayfs is not available: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** Unmounts if mounted; lazily if something still holds it busy. */
    public void unmount() {
        try {
            Syscalls.umount2(merged.toString(), 0);
        } catch (SyscallException e) {
            if (e.errno() == Errno.EINVAL || e.errno() == Errno.ENOENT) {
                return; // not mounted
            }
            if (e.errno() == Errno.EBUSY) {
                Syscalls.umount2(merged.toString(), Syscalls.MNT_DETACH);
                return;
            }
            throw e;
        }
    }

    public static boolean isMounted(Path p) {
        try {
            String target = " " + p.toAbsolutePath() + " ";
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().anyMatch(l -> l.contains(target));
        } catch (IOException e) {
            return false;
        }
    }
}
