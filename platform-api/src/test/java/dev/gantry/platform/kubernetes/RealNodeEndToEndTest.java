package dev.gantry.platform.kubernetes;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.asAdmin;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.gantry.git.GitCli;
import dev.gantry.platform.FileTrees;
import dev.gantry.platform.PostgresTestResource;
import dev.gantry.platform.git.Samples;
import dev.gantry.platform.reconcile.ReconcilerTest;
import dev.gantry.platform.reconcile.RouterClient;
import dev.gantry.platform.reconcile.RouterTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole path on a real Kubernetes node: `git push` of the Node.js sample builds it on the Debian stack and
 * runs it on the local engine; its tenant moves to the kubernetes backend under load with no failed request:
 * Gantry makes the image portable and pushes it to the registry, the kubelet pulls and runs it, and it answers
 * through Gantry's router at its usual URL; a second push switches with
 * no failed request under a bounded load loop. On the way: the pods' output in the app's log stream, one-off runs
 * as Jobs, and a release whose image cannot be pulled rolled back while the old pods serve.
 */
@QuarkusTest
@TestProfile(RealNodeProfile.class)
@QuarkusTestResource(PostgresTestResource.class)
class RealNodeEndToEndTest {

    private static final Duration PUSH_TIMEOUT = Duration.ofMinutes(8);

    @TestHTTPResource("/")
    URL api;

    private Path work;
    private GitCli cli;
    private String tenant;
    private String token;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(RealNodeResource.unavailableBecause() == null, RealNodeResource.unavailableBecause());
        work = Files.createTempDirectory("gantry-k8s-e2e-");
        cli = new GitCli(work.resolve("home"));
        tenant = uniqueName("e2e");
        token = newTenant(tenant);
        as(token).body(Map.of("name", "app")).post("/api/apps").then().statusCode(201);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (tenant != null) {
            asAdmin().delete("/api/tenants/" + tenant);
            dev.gantry.platform.Await.await("the tenant's cgroup is removed", Duration.ofSeconds(30),
                    () -> !Files.exists(Path.of("/sys/fs/cgroup/memory/gantry", tenant)));
        }
        if (work != null) {
            FileTrees.deleteTree(work);
        }
    }

    @Test
    void aPushedNodeAppRunsOnTheNodeAndASecondPushSwitchesWithNoFailedRequest() throws Exception {
        Path src = Samples.checkout(cli, "node", work);
        String remote = "http://user:" + token + "@127.0.0.1:" + api.getPort() + "/git/" + tenant + "/app.git";

        // first on the local engine
        GitCli.Result first = cli.start(src, "push", remote, "main").await(PUSH_TIMEOUT);
        assertEquals(0, first.exitCode(), first.output());
        assertTrue(first.output().contains("is live"), first.output());
        RouterClient.Answer a = RouterClient.get(RouterTestResource.httpPort, host(), "/");
        assertEquals(200, a.status(), a.body());
        assertTrue(a.body().startsWith("hello from node"), a.body());

        // then the tenant moves to the cluster: a zero-downtime deploy of the same release
        try (ReconcilerTest.Load load = new ReconcilerTest.Load(RouterTestResource.httpPort, host())) {
            asAdmin().body(Map.of("backend", "kubernetes")).patch("/api/tenants/" + tenant).then().statusCode(200);
            // the stack layer (~500 MB) is exported, pushed and pulled once: minutes on a busy machine
            dev.gantry.platform.Await.await("the app serves from the node only", Duration.ofMinutes(7), () -> {
                String now = as(token).get("/api/apps/app/instances").asString();
                return now.contains("\"state\":\"up\"") && now.contains("10.244.0.") && !now.contains("web.1");
            });
            load.stop();
            assertTrue(load.ok.get() > 10, "the load loop ran");
            assertEquals(List.of(), load.failures, "no request failed during the move");
        }
        assertTrue(RouterClient.get(RouterTestResource.httpPort, host(), "/").body().startsWith("hello from node"));
        // one image for both: the digest the local engine ran is the one pushed for the cluster
        String image = as(token).get("/api/apps/app/releases").jsonPath().getString("find { it.current }.image");
        assertTrue(image != null && image.startsWith("sha256:"), image);
        String pushes = as(token).get("/api/apps/app/logs?lines=500&source=gantry").asString();
        assertTrue(pushes.contains("/app@" + image), "pushed as " + image + ": " + pushes);
        String[] stream = {""};
        try {
            dev.gantry.platform.Await.await("the pod's output reaches the app's log stream", Duration.ofSeconds(60),
                    () -> (stream[0] = as(token).get("/api/apps/app/logs?lines=200&source=app").asString())
                            .matches("(?s).*app-web-[a-z0-9-]+.*listening on 5000.*"));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the stream: " + stream[0], e);
        }

        // a one-off run is a Job of the release's image, with the app's environment
        as(token).body(Map.of("command", "node -e \"console.log(6 * 7, require('ms')(60000), process.env.GANTRY_APP)\""))
                .post("/api/apps/app/runs").then().statusCode(200)
                .body("exit_code", equalTo(0))
                .body("output", containsString("42 1m app"));
        as(token).body(Map.of("command", "exit 3")).post("/api/apps/app/runs").then().statusCode(200)
                .body("exit_code", equalTo(3));

        Path server = src.resolve("server.js");
        Files.writeString(server, Files.readString(server).replace("hello from node", "hello again from node"));
        cli.ok(src, "commit", "-qam", "new greeting");
        try (ReconcilerTest.Load load = new ReconcilerTest.Load(RouterTestResource.httpPort, host())) {
            GitCli.Result second = cli.start(src, "push", remote, "main").await(PUSH_TIMEOUT);
            assertEquals(0, second.exitCode(), second.output());
            dev.gantry.platform.Await.await("the new version answers", Duration.ofSeconds(30), () ->
                    RouterClient.get(RouterTestResource.httpPort, host(), "/").body().startsWith("hello again"));
            load.stop();
            assertTrue(load.ok.get() > 10, "the load loop ran");
            assertEquals(List.of(), load.failures, "no request failed during the switch");
        }

        // a release whose image cannot be pulled never becomes ready: it is rolled back, the old pods serve on
        as(token).body(Map.of("image", "127.0.0.1:9/nowhere/app:v1")).post("/api/apps/app/releases").then()
                .statusCode(201);
        dev.gantry.platform.Await.await("the unpullable release is rolled back", Duration.ofSeconds(120),
                () -> as(token).get("/api/apps/app/events").asString().contains("deploy.failed"));
        String events = as(token).get("/api/apps/app/events").asString();
        assertTrue(events.contains("ImagePullBackOff") || events.contains("ErrImagePull"), events);
        assertTrue(RouterClient.get(RouterTestResource.httpPort, host(), "/").body().startsWith("hello again"));
    }

    private String host() {
        return "app." + tenant + ".localhost";
    }
}
