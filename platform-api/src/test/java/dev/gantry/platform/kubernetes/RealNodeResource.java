package dev.gantry.platform.kubernetes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A control plane with one real node (kubelet + containerd + runc + CNI bridge, docker-registry beside it;
 * scripts/kubernetes-node.sh), and the platform pointed at it, building on the Debian stack so its images can
 * run there. Everything is stopped by its recorded PIDs when the tests end.
 */
public class RealNodeResource implements QuarkusTestResourceLifecycleManager {

    /** Where CI keeps the Debian stack with Node.js (GANTRY_TEST_K8S_STACK overrides). */
    static final Path STACK = Path.of(System.getenv().getOrDefault("GANTRY_TEST_K8S_STACK",
            "/var/cache/gantry/stack-data/stacks/bookworm"));
    private static final Path SCRIPTS = Path.of(System.getProperty("user.dir")).getParent().resolve("scripts");

    private Path dir;

    /** Why the real-node test cannot run here, or null. */
    static String unavailableBecause() {
        String why = TestCluster.unavailableBecause();
        if (why != null) {
            return why;
        }
        if (!Files.isExecutable(STACK.resolve("usr/bin/node"))) {
            return "no Debian stack with Node.js at " + STACK + " (CI makes it: ./gantry stack build bookworm "
                    + "--packages bash,ca-certificates,nodejs,npm)";
        }
        return null;
    }

    @Override
    public Map<String, String> start() {
        if (unavailableBecause() != null) {
            return Map.of();
        }
        try {
            dir = Files.createTempDirectory("gantry-k8s-node-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "real-node-down"));
        if (TestCluster.run(List.of(SCRIPTS.resolve("kubernetes-cluster.sh").toString(), "up", dir.resolve("cp").toString(),
                "--hollow-nodes", "0"), 180) == null) {
            throw new IllegalStateException("the control plane did not start; see " + dir);
        }
        String out = TestCluster.run(List.of(SCRIPTS.resolve("kubernetes-node.sh").toString(), "up",
                dir.resolve("node").toString(), "--kubeconfig", dir.resolve("cp/kubeconfig").toString()), 300);
        if (out == null) {
            throw new IllegalStateException("the node did not start; see " + dir.resolve("node"));
        }
        String registry = out.lines().filter(l -> l.startsWith("registry ")).findFirst().orElseThrow().substring(9);
        return Map.of("gantry.kubernetes.kubeconfig", dir.resolve("cp/kubeconfig").toString(),
                "gantry.kubernetes.registry", registry + "/gantry",
                "gantry.kubernetes.name", "test-node",
                "gantry.kubernetes.log-interval", "1s",
                "gantry.builds.stack", STACK.toString());
    }

    @Override
    public synchronized void stop() {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        TestCluster.run(List.of(SCRIPTS.resolve("kubernetes-node.sh").toString(), "down", dir.resolve("node").toString()), 120);
        TestCluster.run(List.of(SCRIPTS.resolve("kubernetes-cluster.sh").toString(), "down", dir.resolve("cp").toString()), 60);
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
