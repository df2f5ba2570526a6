package dev.gantry.engine.cgroup;

import dev.gantry.engine.spec.ResourcesSpec;

/**
 * Limits for one cgroup; null means "leave unset". Memory in bytes, always without swap;
 * CPU shares use v1's scale (2..262144, converted to v2 weight); quota/period in µs.
 */
public record CgroupResources(Long memoryLimit, Long cpuShares, Long cpuQuota, Long cpuPeriod, Long pidsLimit,
                              Integer ioWeight) {

    public static final CgroupResources NONE = new CgroupResources(null, null, null, null, null, null);

    public static CgroupResources from(ResourcesSpec r) {
        if (r == null) {
            return NONE;
        }
        return new CgroupResources(
                r.memory() == null ? null : r.memory().limit(),
                r.cpu() == null ? null : r.cpu().shares(),
                r.cpu() == null ? null : r.cpu().quota(),
                r.cpu() == null ? null : r.cpu().period(),
                r.pids() == null ? null : r.pids().limit(),
                r.blockIO() == null ? null : r.blockIO().weight());
    }
}
