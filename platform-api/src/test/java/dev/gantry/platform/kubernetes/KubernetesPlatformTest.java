package dev.gantry.platform.kubernetes;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.asAdmin;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static dev.gantry.platform.Await.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.gantry.git.GitCli;
import dev.gantry.platform.FileTrees;
import dev.gantry.platform.PostgresTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The platform with an app placed on a real Kubernetes control plane (hollow nodes: pods get Ready, nothing
 * runs, no traffic is sent): the API, the reconciler and the events behave as for local apps.
 */
@QuarkusTest
@TestProfile(KubernetesProfile.class)
@QuarkusTestResource(PostgresTestResource.class)
class KubernetesPlatformTest {

    private static final String IMAGE = "127.0.0.1:5999/gantry-test/web@sha256:" + "c".repeat(64);

    @TestHTTPResource("/")
    URL api;

    private final List<String> tenants = new ArrayList<>();
    private String tenant;
    private String token;

    @BeforeEach
    void tenantOnTheCluster() {
        assumeTrue(TestCluster.unavailableBecause() == null, TestCluster.unavailableBecause());
        tenant = uniqueName("k");
        tenants.add(tenant);
        token = newTenant(tenant);
        as(token).body(Map.of("name", "shop")).post("/api/apps").then().statusCode(201);
    }

    @AfterEach
    void deleteTenants() {
        for (String t : tenants) {
            asAdmin().delete("/api/tenants/" + t);
        }
        // a build (the push test) puts the tenant's quota on a cgroup here too; deleting the tenant removes it
        await("the tenants' cgroups are removed", Duration.ofSeconds(20), () -> tenants.stream()
                .noneMatch(t -> Files.exists(Path.of("/sys/fs/cgroup/memory/gantry", t))));
        for (String t : tenants) {
            await("namespace of " + t + " deleted", Duration.ofSeconds(60), () -> {
                String phase = TestCluster.shared().kubectl("get", "namespace", "gantry-" + t, "-o",
                        "jsonpath={.status.phase}");
                return phase == null || "Terminating".equals(phase);
            });
        }
    }

    @Test
    void anAppOnKubernetesDeploysScalesAndReportsItsPodsAsInstances() {
        as(token).body(Map.of("backend", "kubernetes")).patch("/api/apps/shop").then().statusCode(200)
                .body("backend", equalTo("kubernetes"));
        as(token).body(Map.of("image", IMAGE)).post("/api/apps/shop/releases").then().statusCode(201);
        as(token).body(Map.of("web", Map.of("quantity", 2, "size", "128M"))).patch("/api/apps/shop/formation")
                .then().statusCode(200);
        await("2 pods up", Duration.ofSeconds(90), () -> up() == 2);
        JsonPath instances = instances();
        assertTrue(instances.getString("[0].id").startsWith("shop-web-"), instances.prettify());
        assertEquals("web", instances.getString("[0].type"));

        String ns = "gantry-" + tenant;
        TestCluster cluster = TestCluster.shared();
        assertEquals("2", cluster.kubectl("get", "deployment", "shop-web", "-n", ns, "-o", "jsonpath={.spec.replicas}"));
        assertTrue(cluster.kubectl("get", "resourcequota", "gantry-quota", "-n", ns, "-o", "jsonpath={.spec.hard}")
                .contains("limits.memory"), "the tenant quota reached the cluster");

        as(token).body(Map.of("web", Map.of("quantity", 0))).patch("/api/apps/shop/formation").then().statusCode(200);
        await("no pod left", Duration.ofSeconds(60), () -> instances().getList("id").isEmpty());
    }

    @Test
    void whatTheClusterWouldRefuseIsRefusedWith422AndKubernetesReason() {
        as(token).body(Map.of("backend", "kubernetes")).patch("/api/apps/shop").then().statusCode(200);
        as(token).body(Map.of("image", IMAGE)).post("/api/apps/shop/releases").then().statusCode(201);
        as(token).body(Map.of("web", Map.of("quantity", 1, "size", "128M"))).patch("/api/apps/shop/formation")
                .then().statusCode(200);
        await("1 pod up", Duration.ofSeconds(90), () -> up() == 1);
        // the operator's own policy in the namespace, which Gantry knows nothing of
        String limit = """
                {"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"operator-policy","namespace":"gantry-%s"},
                 "spec":{"limits":[{"type":"Container","max":{"memory":"200Mi"}}]}}""".formatted(tenant);
        TestCluster cluster = TestCluster.shared();
        java.nio.file.Path file = writeTemp(limit);
        assertTrue(cluster.kubectl("apply", "-f", file.toString()) != null);

        as(token).body(Map.of("web", Map.of("quantity", 1, "size", "256M"))).patch("/api/apps/shop/formation")
                .then().statusCode(422)
                .body("type", equalTo("urn:gantry:problem:kubernetes-rejected"))
                .body("detail", containsString("test-cluster"))
                .body("detail", containsString("200Mi"));
        as(token).get("/api/apps/shop/formation").then().body("web.size", equalTo("128M"));
    }

    @Test
    void anUnreachableClusterIsReportedAndTheAppConvergesWhenItReturns() {
        as(token).body(Map.of("backend", "kubernetes")).patch("/api/apps/shop").then().statusCode(200);
        as(token).body(Map.of("image", IMAGE)).post("/api/apps/shop/releases").then().statusCode(201);
        as(token).body(Map.of("web", Map.of("quantity", 1, "size", "128M"))).patch("/api/apps/shop/formation")
                .then().statusCode(200);
        await("1 pod up", Duration.ofSeconds(90), () -> up() == 1);
        TestCluster cluster = TestCluster.shared();
        cluster.stopApiServer();
        try {
            as(token).body(Map.of("web", Map.of("quantity", 2))).patch("/api/apps/shop/formation").then().statusCode(200);
            await("the error is an event naming the cluster", Duration.ofSeconds(30), () ->
                    as(token).get("/api/apps/shop/events").then().extract().asString()
                            .matches("(?s).*kubernetes\\.error.*test-cluster.*unreachable.*"));
        } finally {
            cluster.restartApiServer();
        }
        await("2 pods up after the API server returned", Duration.ofSeconds(120), () -> up() == 2);
    }

    /** What the cluster cannot run is not pushed there: the deploy fails and says why, nothing is applied. */
    @Test
    void aPushOfAnImageTheClusterCannotRunFailsTheDeployAndSaysWhy() throws Exception {
        as(token).body(Map.of("backend", "kubernetes")).patch("/api/apps/shop").then().statusCode(200);
        Path work = Files.createTempDirectory("gantry-k8s-push-");
        try {
            GitCli cli = new GitCli(work.resolve("home"));
            Path src = Files.createDirectories(work.resolve("src"));
            Files.writeString(src.resolve("gantry-test-image"), "test:web\n");
            cli.ok(src, "init", "-q");
            cli.ok(src, "add", ".");
            cli.ok(src, "commit", "-qm", "first");
            GitCli.Result push = cli.run(src, "push", "http://user:" + token + "@127.0.0.1:" + api.getPort() + "/git/"
                    + tenant + "/shop.git", "main");
            assertTrue(push.exitCode() != 0, push.output());
            assertTrue(push.output().contains("cluster 'test-cluster'"), push.output());
            assertTrue(push.output().contains("built on the host stack, which a cluster cannot run"), push.output());
            assertTrue(push.output().contains("GANTRY_BUILDS_STACK"), push.output());
            assertEquals(null, TestCluster.shared().kubectl("get", "deployment", "shop-web", "-n", "gantry-" + tenant));
        } finally {
            FileTrees.deleteTree(work);
        }
    }

    private JsonPath instances() {
        return as(token).get("/api/apps/shop/instances").then().statusCode(200).extract().jsonPath();
    }

    private long up() {
        return instances().getList("state").stream().filter("up"::equals).count();
    }

    private static java.nio.file.Path writeTemp(String text) {
        try {
            java.nio.file.Path f = java.nio.file.Files.createTempFile("gantry-k8s", ".json");
            java.nio.file.Files.writeString(f, text);
            f.toFile().deleteOnExit();
            return f;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
