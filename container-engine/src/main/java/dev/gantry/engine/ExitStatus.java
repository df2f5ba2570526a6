package dev.gantry.engine;

/**
 * How the container's init ended, as recorded by the shim. {@code exitCode} is 128+signal
 * for a killed process; {@code oomKilled} is true when it died while the kernel OOM-killed
 * in its cgroup.
 */
public record ExitStatus(int pid, int exitCode, int signal, boolean oomKilled, String finishedAt) {
}
