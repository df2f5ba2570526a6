package dev.gantry.platform.kubernetes;

import static dev.gantry.platform.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.gantry.platform.formation.FormationSpec;
import dev.gantry.platform.quota.Quota;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The mapping against a real API server, controllers and scheduler (hollow nodes: pods become Running and Ready
 * without running anything, so no traffic goes to them here; the end-to-end test has a real node).
 */
@ExtendWith(KubernetesBackendTest.ClusterParameter.class)
class KubernetesBackendTest {

    /** Pods on hollow nodes, on a loaded 2-core machine. */
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String IMAGE = "127.0.0.1:5000/t/web@sha256:" + "a".repeat(64);

    private TestCluster cluster;
    private KubernetesBackend kube;
    private String tenant;

    @BeforeEach
    void connect(TestCluster cluster, TestInfo info) {
        this.cluster = cluster;
        kube = new KubernetesBackend(new KubernetesSettings(cluster.kubeconfig(), "test-cluster", null));
        tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
        kube.applyTenant(tenant, new Quota(4096, 20, 4000));
    }

    @AfterEach
    void cleanUp() {
        try {
            kube.deleteTenant(tenant);
        } finally {
            kube.close();
        }
    }

    private KubeApp app(String fingerprint, int release, Map<String, String> env, int web, int worker) {
        return new KubeApp(tenant, "shop", release, fingerprint, IMAGE, env,
                worker < 0 ? Map.of("web", new FormationSpec(web, 128, 100))
                        : Map.of("web", new FormationSpec(web, 128, 100), "worker", new FormationSpec(worker, 64, 50)),
                null); // a TCP readiness check: hollow nodes pass those, but really send HTTP probes (to nowhere)
    }

    @Test
    void withIngressRoutingAWebAppGetsAnIngressForItsHostsThatGoesWithItsWebProcesses() {
        try (KubernetesBackend ingressing = new KubernetesBackend(new KubernetesSettings(cluster.kubeconfig(),
                "test-cluster", null, true, "gantry-test"))) {
            String ns = "gantry-" + tenant;
            List<String> hosts = List.of("shop." + tenant + ".localhost", "shop.example.com", "*.shop.example.org");
            ingressing.applyApp(new KubeApp(tenant, "shop", 1, "f1", IMAGE, Map.of(),
                    Map.of("web", new FormationSpec(1, 64, 50)), null, hosts));
            assertEquals("gantry-test " + String.join(" ", hosts) + " shop http Prefix", cluster.kubectl("get",
                    "ingress", "shop", "-n", ns, "-o", "jsonpath={.spec.ingressClassName} {.spec.rules[*].host} "
                            + "{.spec.rules[0].http.paths[0].backend.service.name} "
                            + "{.spec.rules[0].http.paths[0].backend.service.port.name} "
                            + "{.spec.rules[0].http.paths[0].pathType}"));

            ingressing.applyApp(new KubeApp(tenant, "shop", 2, "f1", IMAGE, Map.of(),
                    Map.of("worker", new FormationSpec(1, 64, 50)), null, hosts));
            assertEquals("", cluster.kubectl("get", "ingress", "-n", ns, "-o", "name"),
                    "no web processes: nothing to route to, no Ingress");

            ingressing.applyApp(new KubeApp(tenant, "shop", 3, "f1", IMAGE, Map.of(),
                    Map.of("web", new FormationSpec(1, 64, 50)), null, hosts));
            ingressing.deleteApp(tenant, "shop");
            assertEquals("", cluster.kubectl("get", "ingress,deployment,service,secret", "-n", ns, "-l",
                    "gantry.dev/app=shop", "-o", "name"), "deleting the app deletes its Ingress too");
        }
    }

    /**
     * What docs/kubernetes.md tells operators to grant is enough: the ClusterRole is read from the doc, bound to a
     * user that can do nothing else, and that user's Gantry places a tenant and an app (with an Ingress), watches
     * it get ready, dry-runs a change, runs a one-off Job, and removes it all.
     */
    @Test
    void theClusterRoleInTheDocsIsAllGantryNeeds() throws Exception {
        String doc = Files.readString(TestCluster.docs().resolve("kubernetes.md"));
        int rbac = doc.indexOf("### RBAC");
        int start = doc.indexOf("```yaml\n", rbac) + "```yaml\n".length();
        Path role = Files.createTempFile("gantry-clusterrole", ".yaml");
        String binding = "gantry-test-" + tenant;
        try {
            Files.writeString(role, doc.substring(start, doc.indexOf("```", start)));
            assertNotNull(cluster.kubectl("apply", "-f", role.toString()), "the ClusterRole in the docs applies");
            try (KubernetesBackend gantry = new KubernetesBackend(new KubernetesSettings(cluster.restrictedKubeconfig(),
                    "rbac", null, true, null))) {
                String t = "r" + tenant.substring(1);
                KubernetesFailure denied = assertThrows(KubernetesFailure.class,
                        () -> gantry.applyTenant(t, new Quota(2048, 10, 2000)));
                assertEquals(403, denied.status(), "without the binding the user may do nothing: " + denied.getMessage());
                assertNotNull(cluster.kubectl("create", "clusterrolebinding", binding, "--clusterrole=gantry",
                        "--user=gantry"));
                await("the role binding takes effect", WAIT, () -> {
                    try {
                        gantry.applyTenant(t, new Quota(2048, 10, 2000));
                        return true;
                    } catch (KubernetesFailure e) {
                        if (e.status() != 403) {
                            throw e;
                        }
                        return false;
                    }
                });
                try {
                    KubeApp shop = new KubeApp(t, "shop", 1, "f1", IMAGE, Map.of("A", "b"),
                            Map.of("web", new FormationSpec(1, 64, 50)), null, List.of("shop." + t + ".localhost"));
                    gantry.check(shop);
                    gantry.applyApp(shop);
                    await("web ready, seen through the watches", WAIT, () -> gantry.state(t, "shop").types().stream()
                            .anyMatch(s -> s.complete("f1")));
                    await("its endpoint", WAIT, () -> gantry.readyEndpoints(t, "shop").size() == 1);
                    gantry.startRun(new KubeRun(t, "shop", "shop-run-1", IMAGE, "true", Map.of("A", "b"), 64, 50, 60));
                    await("the run's pod", WAIT, () -> gantry.runStatus(t, "shop-run-1").pod() != null);
                    gantry.deleteRun(t, "shop-run-1");
                    gantry.deleteApp(t, "shop");
                } finally {
                    gantry.deleteTenant(t);
                }
            }
        } finally {
            cluster.kubectl("delete", "clusterrolebinding", binding);
            Files.deleteIfExists(role);
        }
    }

    @Test
    void anAppBecomesADeploymentAServiceAndASecretAndItsPodsGetReady() {
        KubeApp v1 = app("f1", 1, Map.of("GREETING", "hello"), 1, -1);
        kube.applyApp(v1);
        await("web ready", WAIT, () -> complete(v1, "web"));

        AppState s = kube.state(tenant, "shop");
        assertEquals(1, s.pods().size());
        PodState pod = s.pods().get(0);
        assertTrue(pod.ready());
        assertEquals("web", pod.type());
        assertEquals(1, pod.release());
        assertEquals("f1", pod.fingerprint());
        await("endpoint", WAIT, () -> kube.readyEndpoints(tenant, "shop").size() == 1);
        assertEquals(5000, kube.readyEndpoints(tenant, "shop").get(0).port());

        String ns = "gantry-" + tenant;
        assertEquals("TCP 80 5000", cluster.kubectl("get", "service", "shop", "-n", ns, "-o",
                "jsonpath={.spec.ports[0].protocol} {.spec.ports[0].port} {.spec.ports[0].targetPort}"));
        assertEquals("aGVsbG8=", cluster.kubectl("get", "secret", "shop-config", "-n", ns, "-o",
                "jsonpath={.data.GREETING}"));
        assertEquals("0 ALL false 5000", cluster.kubectl("get", "deployment", "shop-web", "-n", ns, "-o",
                "jsonpath={.spec.strategy.rollingUpdate.maxUnavailable} "
                        + "{.spec.template.spec.containers[0].securityContext.capabilities.drop[0]} "
                        + "{.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation} "
                        + "{.spec.template.spec.containers[0].readinessProbe.tcpSocket.port}"));
        kube.applyApp(new KubeApp(tenant, "api", 1, "f9", IMAGE, Map.of(), Map.of("web", new FormationSpec(0, 64, 50)),
                "/health"));
        assertEquals("/health 5000", cluster.kubectl("get", "deployment", "api-web", "-n", ns, "-o",
                "jsonpath={.spec.template.spec.containers[0].readinessProbe.httpGet.path} "
                        + "{.spec.template.spec.containers[0].readinessProbe.httpGet.port}"));
        assertEquals("30 web 128Mi", cluster.kubectl("get", "deployment", "shop-web", "-n", ns, "-o",
                "jsonpath={.spec.template.spec.terminationGracePeriodSeconds} "
                        + "{.spec.template.spec.containers[0].args[0]} "
                        + "{.spec.template.spec.containers[0].resources.limits.memory}"));
    }

    @Test
    void scalingChangesReplicasAndNeverTheTemplate() {
        KubeApp one = app("f1", 1, Map.of(), 1, -1);
        kube.applyApp(one);
        await("1 ready", WAIT, () -> complete(one, "web"));
        KubeApp three = app("f1", 2, Map.of(), 3, -1); // a scale makes a release; same code and config
        kube.applyApp(three);
        await("3 ready", WAIT, () -> complete(three, "web") && readyPods() == 3);
        assertEquals(1, replicaSets("web"), "a scale must not roll out a new ReplicaSet");
        assertTrue(kube.state(tenant, "shop").pods().stream().allMatch(p -> p.release() == 1),
                "the template keeps naming the release that introduced the code");
        KubeApp none = app("f1", 3, Map.of(), 0, -1);
        kube.applyApp(none);
        await("0 pods", WAIT, () -> kube.state(tenant, "shop").pods().isEmpty());
        // A pod counts as gone once its deletion starts; the endpoints controller drops it from the Service's
        // Endpoints a moment later (a CI run on a loaded machine saw both of them still there at once).
        await("no endpoints", WAIT, () -> kube.readyEndpoints(tenant, "shop").isEmpty());
    }

    @Test
    void aConfigChangeRollsANewReplicaSetAndARollbackBringsTheOldTemplateBack() {
        KubeApp v1 = app("f1", 1, Map.of("MODE", "one"), 2, -1);
        kube.applyApp(v1);
        await("v1 ready", WAIT, () -> complete(v1, "web"));
        KubeApp v2 = app("f2", 2, Map.of("MODE", "two"), 2, -1);
        kube.applyApp(v2);
        await("v2 ready", WAIT, () -> complete(v2, "web"));
        assertEquals(2, replicaSets("web"));
        assertTrue(kube.state(tenant, "shop").pods().stream().allMatch(p -> "f2".equals(p.fingerprint())));

        KubeApp v3 = app("f1", 3, Map.of("MODE", "one"), 2, -1); // the rollback release: v1's code and config
        kube.applyApp(v3);
        await("rolled back", WAIT, () -> complete(v3, "web"));
        assertEquals(2, replicaSets("web"), "the old ReplicaSet is scaled up again, no third one");
        assertEquals("b25l", cluster.kubectl("get", "secret", "shop-config", "-n", "gantry-" + tenant, "-o",
                "jsonpath={.data.MODE}"));
    }

    @Test
    void processTypesComeAndGo() {
        KubeApp both = app("f1", 1, Map.of(), 1, 2);
        kube.applyApp(both);
        await("worker ready", WAIT, () -> complete(both, "worker") && complete(both, "web"));
        KubeApp webOnly = app("f1", 2, Map.of(), 1, -1);
        kube.applyApp(webOnly);
        await("worker gone", WAIT, () -> kube.state(tenant, "shop").types().stream().noneMatch(t -> t.type().equals("worker")));
        await("worker pods gone", WAIT, () -> kube.state(tenant, "shop").pods().stream().noneMatch(p -> p.type().equals("worker")));
    }

    @Test
    void theTenantQuotaBecomesAResourceQuotaAndALimitRange() {
        kube.applyTenant(tenant, new Quota(1024, 5, 1500));
        String ns = "gantry-" + tenant;
        assertEquals("1Gi 1500m 5", cluster.kubectl("get", "resourcequota", "gantry-quota", "-n", ns, "-o",
                "jsonpath={.spec.hard.limits\\.memory} {.spec.hard.limits\\.cpu} {.spec.hard.pods}"));
        assertEquals("1Gi 1500m", cluster.kubectl("get", "limitrange", "gantry-limits", "-n", ns, "-o",
                "jsonpath={.spec.limits[0].max.memory} {.spec.limits[0].max.cpu}"));
        assertNotNull(cluster.kubectl("get", "networkpolicy", "gantry-tenant-isolation", "-n", ns));
    }

    @Test
    void whatTheClusterRefusesComesBackAsARejectionWithKubernetesReason() {
        kube.applyTenant(tenant, new Quota(256, 5, 1000));
        KubeApp big = new KubeApp(tenant, "shop", 1, "f1", IMAGE, Map.of(), Map.of("web", new FormationSpec(1, 512, 100)), null);
        KubernetesFailure tooBig = assertThrows(KubernetesFailure.class, () -> kube.check(big));
        assertTrue(tooBig.rejected(), tooBig.getMessage());
        assertTrue(tooBig.getMessage().contains("memory"), tooBig.getMessage());
        assertTrue(tooBig.getMessage().contains("test-cluster"), tooBig.getMessage());

        KubeApp badEnv = new KubeApp(tenant, "shop", 1, "f1", IMAGE, Map.of("NOT A NAME", "x"),
                Map.of("web", new FormationSpec(1, 128, 100)), null);
        KubernetesFailure invalid = assertThrows(KubernetesFailure.class, () -> kube.applyApp(badEnv));
        assertTrue(invalid.rejected(), invalid.getMessage());
        assertEquals("Invalid", invalid.reason());

        kube.check(app("f1", 1, Map.of(), 1, -1)); // a fitting app passes the same check
    }

    @Test
    void anUnreachableApiServerIsAClearFailureAndTheBackendRecoversWhenItReturns() {
        KubeApp v1 = app("f1", 1, Map.of(), 1, -1);
        kube.applyApp(v1);
        await("v1 ready", WAIT, () -> complete(v1, "web"));
        cluster.stopApiServer();
        try {
            KubernetesFailure down = assertThrows(KubernetesFailure.class, () -> kube.applyApp(app("f1", 2, Map.of(), 2, -1)));
            assertTrue(down.unreachable(), down.getMessage());
            assertFalse(down.rejected());
            assertTrue(down.getMessage().contains("cluster 'test-cluster'"), down.getMessage());
            assertTrue(down.getMessage().contains("unreachable"), down.getMessage());
        } finally {
            cluster.restartApiServer();
        }
        KubeApp v2 = app("f1", 2, Map.of(), 2, -1);
        await("applied after the API server returned", WAIT, () -> {
            try {
                kube.applyApp(v2);
                return true;
            } catch (KubernetesFailure e) {
                return false;
            }
        });
        await("the watches caught up", WAIT, () -> complete(v2, "web") && readyPods() == 2);
    }

    private boolean complete(KubeApp app, String type) {
        return kube.state(tenant, "shop").types().stream()
                .anyMatch(t -> t.type().equals(type) && t.complete(app.fingerprint())
                        && t.desired() == app.formation().get(type).quantity());
    }

    private long readyPods() {
        return kube.state(tenant, "shop").pods().stream().filter(PodState::ready).count();
    }

    private int replicaSets(String type) {
        String out = cluster.kubectl("get", "replicasets", "-n", "gantry-" + tenant, "-l", "gantry.dev/type=" + type,
                "-o", "name");
        return out == null ? -1 : (int) out.lines().filter(l -> !l.isBlank()).count();
    }

    /** Hands each test the run's cluster (started on first use, stopped when the run ends). */
    static final class ClusterParameter implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
            return p.getParameter().getType() == TestCluster.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext c) {
            return TestCluster.get(c);
        }
    }

}
