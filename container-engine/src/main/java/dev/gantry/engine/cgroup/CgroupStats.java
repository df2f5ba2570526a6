package dev.gantry.engine.cgroup;

/** Usage of one cgroup. {@code memoryPeakBytes} is -1 where the kernel does not track it. */
public record CgroupStats(long cpuUsageNanos, long memoryBytes, long memoryPeakBytes, long memoryLimitBytes,
                          long pids, long oomKills) {
}
