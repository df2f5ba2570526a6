package dev.gantry.platform.kubernetes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kubernetes control plane with hollow nodes (scripts/kubernetes-cluster.sh), started once per test JVM
 * and stopped by the PIDs it recorded when that JVM exits (a shutdown hook), even if tests fail. Tests that need it abort (skip, saying why) when the binaries or root are missing; CI builds the binaries
 * first, so there they run.
 */
public final class TestCluster {

    private static final Path SCRIPTS = Path.of(System.getProperty("user.dir")).getParent().resolve("scripts");
    private static TestCluster shared;


    private final Path dir;

    private TestCluster(Path dir) {
        this.dir = dir;
    }

    /** The run's cluster, started on first use; tests that need it are skipped, saying why, when it cannot be. */
    public static synchronized TestCluster get(ExtensionContext context) {
        Assumptions.assumeTrue(unavailableBecause() == null, unavailableBecause());
        return shared();
    }

    /** Why no cluster can be started here, or null if one can. */
    public static String unavailableBecause() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the Kubernetes tests need root (hollow nodes manage cgroups)";
        }
        if (run(List.of(SCRIPTS.resolve("kubernetes-binaries.sh").toString(), "--check"), 10) == null) {
            return "no Kubernetes binaries: run scripts/kubernetes-binaries.sh (CI does; ~10 minutes once per machine)";
        }
        return null;
    }

    /** Starts the run's cluster if it is not running; it stops when the test JVM exits. */
    public static synchronized TestCluster shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("gantry-k8s-test-");
                TestCluster c = new TestCluster(dir);
                Runtime.getRuntime().addShutdownHook(new Thread(c::close, "test-cluster-down"));
                if (run(List.of(SCRIPTS.resolve("kubernetes-cluster.sh").toString(), "up", dir.toString(),
                        "--hollow-nodes", "2"), 180) == null) {
                    c.close();
                    throw new IllegalStateException("the test cluster did not start; see " + dir);
                }
                shared = c;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    public Path kubeconfig() {
        return dir.resolve("kubeconfig");
    }

    /** The kubeconfig of user "gantry", who may do nothing until a role is bound to it. */
    public Path restrictedKubeconfig() {
        return dir.resolve("kubeconfig-gantry");
    }

    /** The project's docs directory. */
    static Path docs() {
        return SCRIPTS.getParent().resolve("docs");
    }

    public Path kubectl() {
        return Path.of(run(List.of(SCRIPTS.resolve("kubernetes-binaries.sh").toString(), "--check"), 10).strip())
                .resolve("kubectl");
    }

    /** Output of kubectl with this cluster's kubeconfig, or null if it failed. */
    public String kubectl(String... args) {
        List<String> cmd = new ArrayList<>(List.of(kubectl().toString(), "--kubeconfig", kubeconfig().toString()));
        cmd.addAll(List.of(args));
        return run(cmd, 60);
    }

    public void stopApiServer() {
        run(List.of(SCRIPTS.resolve("kubernetes-cluster.sh").toString(), "stop-apiserver", dir.toString()), 30);
    }

    public void restartApiServer() {
        if (run(List.of(SCRIPTS.resolve("kubernetes-cluster.sh").toString(), "restart-apiserver", dir.toString()), 120) == null) {
            throw new IllegalStateException("the API server did not come back; see " + dir);
        }
    }

    public synchronized void close() {
        if (!Files.exists(dir)) {
            return;
        }
        run(List.of(SCRIPTS.resolve("kubernetes-cluster.sh").toString(), "down", dir.toString()), 60);
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
        synchronized (TestCluster.class) {
            shared = null;
        }
    }

    /** Runs a command; its stdout, or null if it failed or timed out. */
    static String run(List<String> cmd, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile("gantry-k8s-cmd", ".out");
            try {
                Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return null;
                }
                return p.exitValue() == 0 ? Files.readString(out) : null;
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
