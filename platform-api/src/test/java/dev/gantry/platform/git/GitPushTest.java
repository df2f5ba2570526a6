package dev.gantry.platform.git;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.asAdmin;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static dev.gantry.platform.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.gantry.git.GitCli;
import dev.gantry.platform.FileTrees;
import dev.gantry.platform.PostgresTestResource;
import dev.gantry.platform.instance.InstanceBackend;
import dev.gantry.platform.instance.TestImages;
import dev.gantry.platform.reconcile.ReconcilerProfile;
import dev.gantry.platform.reconcile.RouterClient;
import dev.gantry.platform.reconcile.RouterTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code git push} into the platform with the real git client, over HTTP and SSH: authentication against
 * tenants' tokens and keys, the build stage (a test builder), a release, the zero-downtime rollout and the app
 * answering through the real router; a failing build is rejected and the previous release keeps serving.
 */
@QuarkusTest
@TestProfile(ReconcilerProfile.class)
@QuarkusTestResource(PostgresTestResource.class)
class GitPushTest {

    @TestHTTPResource("/")
    URL api;

    @Inject
    GitWiring git;

    @Inject
    InstanceBackend backend;

    private Path work;
    private GitCli cli;
    private String tenant;
    private String token;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(TestImages.available(), "SKIPPED: needs root and /bin/busybox (busybox-static) to run containers");
        work = Files.createTempDirectory("gantry-push-");
        cli = new GitCli(work.resolve("home"));
        tenant = uniqueName("push");
        token = newTenant(tenant);
        as(token).body(Map.of("name", "web")).post("/api/apps").then().statusCode(201);
    }

    @AfterEach
    void tearDown() throws IOException {
        if (tenant != null) {
            asAdmin().delete("/api/tenants/" + tenant);
            await("the tenant's instances are removed", Duration.ofSeconds(30),
                    () -> backend.list().stream().noneMatch(i -> i.labels().tenant().equals(tenant)));
        }
        if (work != null) {
            FileTrees.deleteTree(work);
        }
    }

    @Test
    void aPushOverHttpBuildsReleasesAndServesAndABrokenBuildIsRejected() throws Exception {
        Path src = source("test:web");
        String remote = "http://user:" + token + "@127.0.0.1:" + api.getPort() + "/git/" + tenant + "/web.git";
        GitCli.Result push = cli.run(src, "push", remote, "main");
        assertEquals(0, push.exitCode(), push.output());
        assertTrue(push.output().contains("-----> Test buildpack detected (test:web)"), push.output());
        assertTrue(push.output().contains("is live"), push.output());
        assertTrue(push.output().contains("http://web." + tenant + ".localhost:" + RouterTestResource.httpPort + "/"),
                push.output());
        assertEquals("hello from web.1", RouterClient.get(RouterTestResource.httpPort, host(), "/").body());

        JsonPath builds = as(token).get("/api/apps/web/builds").then().statusCode(200).extract().jsonPath();
        assertEquals("succeeded", builds.getString("[0].status"));
        assertEquals("test:web", builds.getString("[0].image"));
        assertEquals(1, as(token).get("/api/apps/web/formation").jsonPath().getInt("web.quantity"),
                "the first build with a web process gets one web instance");

        Files.writeString(src.resolve("gantry-test-image"), "fail\n");
        cli.ok(src, "commit", "-qam", "break the build");
        GitCli.Result broken = cli.run(src, "push", remote, "main");
        assertNotEquals(0, broken.exitCode(), broken.output());
        assertTrue(broken.output().contains("build failed: compile exited with code 1"), broken.output());
        assertTrue(broken.output().contains("error: this build fails on purpose"), broken.output());
        assertEquals("hello from web.1", RouterClient.get(RouterTestResource.httpPort, host(), "/").body(),
                "the previous release keeps serving");
        assertEquals("failed", as(token).get("/api/apps/web/builds").jsonPath().getString("[0].status"));
        as(token).get("/api/apps/web/logs?source=build&lines=100").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("this build fails on purpose"));
    }

    @Test
    void aReleaseThatNeverBecomesHealthyRejectsThePush() throws Exception {
        Path src = source("test:web");
        String remote = "http://user:" + token + "@127.0.0.1:" + api.getPort() + "/git/" + tenant + "/web.git";
        cli.run(src, "push", remote, "main").ok();
        Files.writeString(src.resolve("gantry-test-image"), "test:silent\n");
        cli.ok(src, "commit", "-qam", "never listens");
        GitCli.Result push = cli.run(src, "push", remote, "main");
        assertNotEquals(0, push.exitCode(), push.output());
        assertTrue(push.output().contains("did not pass its health check"), push.output());
        assertEquals("hello from web.1", RouterClient.get(RouterTestResource.httpPort, host(), "/").body());
    }

    @Test
    void aRealAppPushedOverSshWithARegisteredKey() throws Exception {
        // ECDSA here: ed25519 is covered by git-receiver's own tests; in this JVM, Quarkus restarts between test
        // classes would leave sshd's EdDSA security provider registered from an earlier app's class loader.
        Path key = work.resolve("id_ecdsa");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, keygen.waitFor());
        as(token).body(Map.of("public_key", Files.readString(work.resolve("id_ecdsa.pub")).trim()))
                .post("/api/keys").then().statusCode(201);
        Path src = Samples.checkout(cli, "static", work); // a real build: the static buildpack
        GitCli ssh = new GitCli(work.resolve("home-ssh"), Map.of("GIT_SSH_COMMAND", "ssh -i " + key
                + " -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes"));
        GitCli.Result push = ssh.run(src, "push", "ssh://git@127.0.0.1:" + git.sshPort() + "/" + tenant + "/web.git",
                "main");
        assertEquals(0, push.exitCode(), push.output());
        assertTrue(push.output().contains("Static"), push.output());
        assertTrue(push.output().contains("is live"), push.output());
        assertTrue(RouterClient.get(RouterTestResource.httpPort, host(), "/").body().contains("hello from a static site"));
    }

    @Test
    void anotherTenantsAppIsRefused() throws Exception {
        String other = uniqueName("other");
        String otherToken = newTenant(other);
        try {
            Path src = source("test:web");
            GitCli.Result push = cli.run(src, "push", "http://user:" + otherToken + "@127.0.0.1:" + api.getPort()
                    + "/git/" + tenant + "/web.git", "main");
            assertNotEquals(0, push.exitCode(), push.output());
            assertEquals(0, as(token).get("/api/apps/web/builds").jsonPath().getList("id").size());
        } finally {
            asAdmin().delete("/api/tenants/" + other);
        }
    }

    private String host() {
        return "web." + tenant + ".localhost";
    }

    private Path source(String image) throws Exception {
        Path src = Files.createDirectories(work.resolve("src"));
        Files.writeString(src.resolve("gantry-test-image"), image + "\n");
        cli.ok(src, "init", "-q");
        cli.ok(src, "add", ".");
        cli.ok(src, "commit", "-qm", "first");
        return src;
    }
}
