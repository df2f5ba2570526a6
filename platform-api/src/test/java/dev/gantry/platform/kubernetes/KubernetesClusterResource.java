package dev.gantry.platform.kubernetes;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the platform under test at the run's Kubernetes cluster (hollow nodes). Images are released from a
 * registry reference, so no registry runs: hollow nodes pull nothing. Without binaries or root the platform
 * starts without a cluster and the tests skip, saying why.
 */
public class KubernetesClusterResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        if (TestCluster.unavailableBecause() != null) {
            return Map.of();
        }
        TestCluster c = TestCluster.shared();
        return Map.of("gantry.kubernetes.kubeconfig", c.kubeconfig().toString(),
                "gantry.kubernetes.registry", "127.0.0.1:5999/gantry-test",
                "gantry.kubernetes.name", "test-cluster",
                "gantry.kubernetes.log-interval", "1s");
    }

    @Override
    public void stop() {
        // the cluster is shared by the whole test JVM and stops with it
    }
}
