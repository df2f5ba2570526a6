package dev.gantry.platform.kubernetes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gantry.platform.quota.Quota;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;

/**
 * A tenant in a cluster: namespace {@code gantry-<tenant>}; a ResourceQuota and a LimitRange from the tenant's
 * quota, so the kubelet's cgroups enforce it there as the engine's do here; and a NetworkPolicy that lets in
 * traffic from the tenant's own pods and from outside the cluster (the router), never from other namespaces.
 */
final class TenantObjects {

    /** What a container gets when its pod spec names no size (Gantry always names one; others may not). */
    private static final int DEFAULT_MEMORY_MB = 512;
    private static final int DEFAULT_MILLICPUS = 500;

    private TenantObjects() {
    }

    static List<HasMetadata> of(String tenant, Quota quota) {
        String ns = Labels.namespace(tenant);
        Map<String, String> labels = Labels.ofTenant(tenant);
        return List.of(
                new NamespaceBuilder().withNewMetadata().withName(ns).withLabels(labels).endMetadata().build(),
                new ResourceQuotaBuilder().withNewMetadata().withName("gantry-quota").withNamespace(ns)
                        .withLabels(labels).endMetadata().withNewSpec().withHard(hard(quota)).endSpec().build(),
                new LimitRangeBuilder().withNewMetadata().withName("gantry-limits").withNamespace(ns)
                        .withLabels(labels).endMetadata().withNewSpec().addNewLimit().withType("Container")
                        .withDefault(defaults(quota)).withDefaultRequest(defaults(quota))
                        .withMax(max(quota)).endLimit().endSpec().build(),
                new NetworkPolicyBuilder().withNewMetadata().withName("gantry-tenant-isolation").withNamespace(ns)
                        .withLabels(labels).endMetadata().withNewSpec().withNewPodSelector().endPodSelector()
                        .withPolicyTypes("Ingress")
                        // the tenant's own pods
                        .addNewIngress().addNewFrom().withNewPodSelector().endPodSelector().endFrom().endIngress()
                        // the router and anything else outside the pod network (an ipBlock never matches pods
                        // of other namespaces on policy-enforcing CNIs)
                        .addNewIngress().addNewFrom().withNewIpBlock().withCidr("0.0.0.0/0").endIpBlock().endFrom()
                        .endIngress()
                        .endSpec().build());
    }

    /** ResourceQuota's hard limits: the tenant's memory and CPU (as requests and limits) and instance count. */
    static Map<String, Quantity> hard(Quota quota) {
        Map<String, Quantity> hard = new HashMap<>();
        if (quota.memoryMb() != null) {
            hard.put("limits.memory", new Quantity(quota.memoryMb() + "Mi"));
            hard.put("requests.memory", new Quantity(quota.memoryMb() + "Mi"));
        }
        if (quota.millicpus() != null) {
            hard.put("limits.cpu", new Quantity(quota.millicpus() + "m"));
            hard.put("requests.cpu", new Quantity(quota.millicpus() + "m"));
        }
        if (quota.instances() != null) {
            hard.put("pods", new Quantity(String.valueOf(quota.instances())));
        }
        return hard;
    }

    /** The default size, never above the maximum (the API server refuses a LimitRange whose default is). */
    private static Map<String, Quantity> defaults(Quota quota) {
        int memory = quota.memoryMb() == null ? DEFAULT_MEMORY_MB : Math.min(DEFAULT_MEMORY_MB, quota.memoryMb());
        int cpu = quota.millicpus() == null ? DEFAULT_MILLICPUS : Math.min(DEFAULT_MILLICPUS, quota.millicpus());
        return Map.of("memory", new Quantity(memory + "Mi"), "cpu", new Quantity(cpu + "m"));
    }

    /** No one container may be bigger than the whole tenant. */
    private static Map<String, Quantity> max(Quota quota) {
        Map<String, Quantity> max = new HashMap<>();
        if (quota.memoryMb() != null) {
            max.put("memory", new Quantity(quota.memoryMb() + "Mi"));
        }
        if (quota.millicpus() != null) {
            max.put("cpu", new Quantity(quota.millicpus() + "m"));
        }
        return max;
    }
}
