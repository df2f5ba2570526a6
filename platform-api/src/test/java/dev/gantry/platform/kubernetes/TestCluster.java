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
 * A real Kubernetes control plane with hollow nodes (scripts/kubernetes-cluster.sh), started once per test run
 * and stopped by the PIDs it recorded when the run ends (JUnit closes it with the root context), even if tests
 * fail. Tests that need it abort (skip, saying why) when the binaries or root are missing; CI builds the binaries
 * first, so there they run.
 */
public final class TestCluster implements ExtensionContext.Store.CloseableResource {

    private static final Path SCRIPTS = Path.of(System.getProperty("user.dir")).getParent().resolve("scripts");
    private static TestCluster shared;

    private final Path dir;

    private TestCluster(Path dir) {
        this.dir = dir;
    }

    /** The run's cluster, started on first use. */
    public static synchronized TestCluster get(ExtensionContext context) {
        if (shared == null) {
            Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                    "the Kubernetes tests start kubelet-like processes and need root");
            String bin = run(List.of(SCRIPTS.resolve("kubernetes-binaries.sh").toString(), "--check"), 10);
            Assumptions.assumeTrue(bin != null, "no Kubernetes binaries: run scripts/kubernetes-binaries.sh "
                    + "(CI does; about 10 minutes once per machine)");
            try {
                Path dir = Files.createTempDirectory("gantry-k8s-test-");
                TestCluster c = new TestCluster(dir);
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(TestCluster.class, c);
                if (run(List.of(SCRIPTS.resolve("kubernetes-cluster.sh").toString(), "up", dir.toString(),
                        "--hollow-nodes", "2"), 180) == null) {
                    throw new IllegalStateException("the test cluster did not start; see " + dir);
                }
                shared = c;
                // also when the test JVM is stopped early (Ctrl-C, a killed fork): never leave a cluster running
                Runtime.getRuntime().addShutdownHook(new Thread(c::close, "test-cluster-down"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    public Path kubeconfig() {
        return dir.resolve("kubeconfig");
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

    @Override
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
