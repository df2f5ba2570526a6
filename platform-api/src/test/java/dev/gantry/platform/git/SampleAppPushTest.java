package dev.gantry.platform.git;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.asAdmin;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static dev.gantry.platform.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.gantry.git.GitCli;
import dev.gantry.platform.FileTrees;
import dev.gantry.build.registry.TestRegistry;
import dev.gantry.platform.PostgresTestResource;
import dev.gantry.platform.instance.InstanceBackend;
import dev.gantry.platform.instance.TestImages;
import dev.gantry.platform.reconcile.ReconcilerProfile;
import dev.gantry.platform.reconcile.ReconcilerTest;
import dev.gantry.platform.reconcile.RouterClient;
import dev.gantry.platform.reconcile.RouterTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's sample apps ({@code docs/examples/apps}) pushed with the real git client and built with the real
 * buildpacks, each then answering through the router at its host name — what a new user does first.
 */
@QuarkusTest
@TestProfile(ReconcilerProfile.class)
@QuarkusTestResource(PostgresTestResource.class)
class SampleAppPushTest {

    private static final Duration PUSH_TIMEOUT = Duration.ofMinutes(8);

    @TestHTTPResource("/")
    URL api;

    @Inject
    InstanceBackend backend;

    private Path work;
    private GitCli cli;
    private String tenant;
    private String token;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(TestImages.available(), "SKIPPED: needs root to run build and app containers");
        work = Files.createTempDirectory("gantry-sample-");
        cli = new GitCli(work.resolve("home"));
        tenant = uniqueName("sample");
        token = newTenant(tenant);
        as(token).body(Map.of("name", "app")).post("/api/apps").then().statusCode(201);
    }

    @AfterEach
    void tearDown() throws IOException {
        if (tenant != null) {
            asAdmin().delete("/api/tenants/" + tenant);
            await("the tenant's instances are removed", Duration.ofSeconds(40),
                    () -> backend.list().stream().noneMatch(i -> i.labels().tenant().equals(tenant)));
        }
        if (work != null) {
            FileTrees.deleteTree(work);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "node, Node.js, hello from node: 2m",
            "python, Python, hello from python 3",
            "static, Static, hello from a static site",
            "procfile, Procfile, hello from a Procfile app",
            "maven, Java (Maven), hello from maven on java"})
    void aSampleAppIsBuiltAndServed(String sample, String buildpack, String answer) throws Exception {
        Path src = checkout(sample);
        GitCli.Result push = cli.start(src, "push", remote(), "main").await(PUSH_TIMEOUT);
        assertEquals(0, push.exitCode(), push.output());
        assertTrue(push.output().contains(buildpack), "the buildpack is named: " + push.output());
        assertTrue(push.output().contains("is live"), push.output());
        assertTrue(push.output().contains("http://app." + tenant + ".localhost:"), "the URL ends the push");
        RouterClient.Answer a = RouterClient.get(RouterTestResource.httpPort, host(), "/");
        assertEquals(200, a.status(), a.body());
        assertTrue(a.body().contains(answer), a.body());
    }

    /**
     * The app is not PID 1 in its container (the launcher is, and forwards signals), so a stop ends it with
     * SIGTERM at once instead of waiting out the grace period for SIGKILL.
     */
    @Test
    void aStoppingInstanceGetsSigterm() throws Exception {
        Path src = checkout("procfile");
        cli.start(src, "push", remote(), "main").await(PUSH_TIMEOUT).ok();
        as(token).body(Map.of("web", Map.of("quantity", 0))).patch("/api/apps/app/formation").then().statusCode(200);
        await("the instance stopped", Duration.ofSeconds(30), () -> as(token)
                .get("/api/apps/app/logs?source=gantry&lines=100").asString().contains("Stopped web.1"));
        String log = as(token).get("/api/apps/app/logs?source=gantry&lines=100").asString();
        assertTrue(log.contains("killed by signal 15 (exit 143)"), log);
    }

    /** The image of a release goes to a registry on request; what skopeo reads back there has the same digest. */
    @Test
    void aReleaseImageIsPushedToARegistry() throws Exception {
        assumeTrue(TestRegistry.available(), "SKIPPED: needs docker-registry and skopeo");
        Path src = checkout("static");
        cli.start(src, "push", remote(), "main").await(PUSH_TIMEOUT).ok();
        int v = as(token).get("/api/apps/app/releases").then().extract().path("[0].version");
        String image = as(token).get("/api/apps/app/releases").then().extract().path("[0].image");
        try (TestRegistry registry = TestRegistry.start(work.resolve("registry"), null)) {
            as(token).body(Map.of("repository", registry.address() + "/team/site:v" + v))
                    .post("/api/apps/app/releases/v" + v + "/push").then().statusCode(200)
                    .body("digest", org.hamcrest.Matchers.equalTo(image))
                    .body("tag", org.hamcrest.Matchers.equalTo("v" + v));
            assertEquals(image, registry.digestOf("team/site:v" + v));
            as(token).body(Map.of("repository", "not a repository")).post("/api/apps/app/releases/v" + v + "/push")
                    .then().statusCode(422);
        }
        as(token).body(Map.of("repository", "127.0.0.1:1/team/site:v1")).post("/api/apps/app/releases/v" + v + "/push")
                .then().statusCode(502).body("detail", org.hamcrest.Matchers.containsString("127.0.0.1:1"));
    }

    /** A changed app replaces the running one under load with no failed request. */
    @Test
    void aSecondPushSwitchesWithNoFailedRequest() throws Exception {
        Path src = checkout("node");
        cli.start(src, "push", remote(), "main").await(PUSH_TIMEOUT).ok();
        Path server = src.resolve("server.js");
        Files.writeString(server, Files.readString(server).replace("hello from node", "hello again from node"));
        cli.ok(src, "commit", "-qam", "new greeting");
        try (ReconcilerTest.Load load = new ReconcilerTest.Load(RouterTestResource.httpPort, host())) {
            GitCli.Result push = cli.start(src, "push", remote(), "main").await(PUSH_TIMEOUT);
            assertEquals(0, push.exitCode(), push.output());
            assertTrue(RouterClient.get(RouterTestResource.httpPort, host(), "/").body().startsWith("hello again"));
            load.stop();
            assertTrue(load.ok.get() > 10, "the load loop ran");
            assertEquals(List.of(), load.failures, "no request failed during the switch");
        }
    }

    private String host() {
        return "app." + tenant + ".localhost";
    }

    private String remote() {
        return "http://user:" + token + "@127.0.0.1:" + api.getPort() + "/git/" + tenant + "/app.git";
    }

    private Path checkout(String sample) throws Exception {
        return Samples.checkout(cli, sample, work);
    }
}
