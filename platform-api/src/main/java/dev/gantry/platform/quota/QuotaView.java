package dev.gantry.platform.quota;

import java.math.BigDecimal;

/**
 * A tenant's quota and what it uses of it, as the API shows them: memory as "2G", CPUs as cores. Limits that are
 * null are unlimited.
 */
public record QuotaView(Amounts limit, Amounts used) {

    public record Amounts(String memory, Long instances, BigDecimal cpus) {
    }

    public static QuotaView of(Quota quota, Usage usage) {
        Amounts limit = new Amounts(
                quota.memoryMb() == null ? null : Resources.formatMemory(quota.memoryMb()),
                quota.instances() == null ? null : quota.instances().longValue(),
                quota.millicpus() == null ? null : Resources.formatCpus(quota.millicpus()));
        Amounts used = new Amounts(Resources.formatMemory((int) usage.memoryMb()), usage.instances(),
                Resources.formatCpus((int) usage.millicpus()));
        return new QuotaView(limit, used);
    }
}
