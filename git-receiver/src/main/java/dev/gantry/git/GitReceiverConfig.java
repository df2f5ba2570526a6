package dev.gantry.git;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Limits and places for git-receiver.
 *
 * @param maxPackBytes  largest pack one push may send; larger pushes are refused before they are stored
 * @param deployTimeout how long one deploy (the {@link DeployPipeline} call) may take before it is
 *                      interrupted and the push rejected
 * @param lockWait      how long a push waits for another deploy of the same app before giving up
 * @param ioTimeout     how long the server waits on a silent client while reading a push or fetch;
 *                      a dropped connection then aborts cleanly (refs move only after a complete pack)
 * @param exportRoot    where pushed trees are exported for the build (one temp dir per deploy)
 */
public record GitReceiverConfig(long maxPackBytes, Duration deployTimeout, Duration lockWait,
                                Duration ioTimeout, Path exportRoot) {

    /** 512 MiB pushes, 15 minute deploys, 30 minute lock wait, 2 minute idle I/O, exports in {@code exportRoot}. */
    public static GitReceiverConfig defaults(Path exportRoot) {
        return new GitReceiverConfig(512L << 20, Duration.ofMinutes(15), Duration.ofMinutes(30),
                Duration.ofMinutes(2), exportRoot);
    }

    public GitReceiverConfig withMaxPackBytes(long bytes) {
        return new GitReceiverConfig(bytes, deployTimeout, lockWait, ioTimeout, exportRoot);
    }

    public GitReceiverConfig withDeployTimeout(Duration timeout) {
        return new GitReceiverConfig(maxPackBytes, timeout, lockWait, ioTimeout, exportRoot);
    }

    public GitReceiverConfig withLockWait(Duration wait) {
        return new GitReceiverConfig(maxPackBytes, deployTimeout, wait, ioTimeout, exportRoot);
    }
}
