package dev.gantry.build;

import java.time.Duration;

/**
 * Limits of one build container: memory in bytes (no swap), CPUs (a quota, e.g. 1.5), pids and the
 * wall-clock time of the whole build.
 */
public record BuildLimits(long memoryBytes, double cpus, long pids, Duration timeout) {

    /** 1 GiB, 1 CPU, 1024 pids, 15 minutes (Heroku's build timeout). */
    public static final BuildLimits DEFAULT = new BuildLimits(1L << 30, 1.0, 1024, Duration.ofMinutes(15));

    public BuildLimits {
        if (memoryBytes < (16L << 20)) {
            throw new BuildException(BuildErrorCode.INVALID, "build memory limit must be at least 16 MiB, got " + memoryBytes);
        }
        if (cpus <= 0 || pids < 16 || timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new BuildException(BuildErrorCode.INVALID, "invalid build limits: cpus=" + cpus + " pids=" + pids
                    + " timeout=" + timeout);
        }
    }

    public BuildLimits withTimeout(Duration t) {
        return new BuildLimits(memoryBytes, cpus, pids, t);
    }

    public BuildLimits withMemory(long bytes) {
        return new BuildLimits(bytes, cpus, pids, timeout);
    }
}
