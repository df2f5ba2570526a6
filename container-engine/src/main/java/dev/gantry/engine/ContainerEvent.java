package dev.gantry.engine;

import dev.gantry.engine.cgroup.CgroupStats;

/**
 * One event about a container, like {@code runc events}: periodic {@code stats}, an {@code oom}
 * when the kernel OOM-killed a process in its cgroup, and a final {@code exit}.
 */
public record ContainerEvent(String type, String id, String time, CgroupStats stats, ExitStatus exit) {

    public static final String STATS = "stats";
    public static final String OOM = "oom";
    public static final String EXIT = "exit";
}
