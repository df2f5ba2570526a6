package dev.gantry.platform.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.gantry.platform.FileTrees;
import dev.gantry.platform.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import dev.gantry.platform.reconcile.ReconcilerProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The deploy journey in the browser: {@code git push} a sample app while the app's Builds page is open, watch the
 * build log arrive live, then scale web to 2 from the page and see two running instances. It needs git over HTTP,
 * builds, instances and a router beside the platform (the reconciler's test set-up: a real router, test images);
 * the sample repository carries both a {@code Procfile} and the test builder's {@code gantry-test-image} file.
 */
@QuarkusTest
@TestProfile(ReconcilerProfile.class)
@QuarkusTestResource(PostgresTestResource.class)
class DashboardDeployBrowserTest extends BrowserTestBase {

    /** The sample app's temporary repository, removed after the test. */
    private Path sampleDir;

    @AfterEach
    void removeSample() throws IOException {
        if (sampleDir != null) {
            FileTrees.deleteTree(sampleDir);
        }
    }

    /**
     * The deploy journey: {@code git push} a sample app while the Builds page is open, watch its build log arrive
     * live, then scale web to 2 from the page and see two running instances. It needs the platform's git over
     * HTTP, builds and instances (the reconciler); until those answer, it is skipped with the reason.
     */
    @Test
    void deployByGitPushWatchTheBuildLiveAndScaleToTwo() throws Exception {
        String tenant = uniqueName("d");
        String token = newTenant(tenant);
        as(token).body(Map.of("name", "hello")).post("/api/apps").then().statusCode(201);
        requireDeployWiring(token, tenant);

        signIn(token);
        assertThat(heading("Apps")).isVisible();
        page.navigate(root + "#/apps/hello/builds");
        assertThat(page.getByTestId("build-log-state")).containsText("Live");

        Path repo = sampleAppRepository();
        sampleDir = repo.getParent();
        String remote = "http://git:" + token + "@" + root.getHost() + ":" + root.getPort() + "/git/" + tenant
                + "/hello.git";
        Process push = new ProcessBuilder("git", "push", remote, "main").directory(repo.toFile())
                .redirectErrorStream(true).redirectOutput(repo.resolveSibling("push.log").toFile()).start();
        try {
            // Build output appears on the open page, with no reload, while the push runs.
            assertThat(page.locator("[data-testid=build-log] .src-build").first())
                    .isVisible(new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions()
                            .setTimeout(Duration.ofMinutes(3).toMillis()));
            shot("build-log-live");
            assertTrue(push.waitFor(5, TimeUnit.MINUTES), "git push finished");
            String pushLog = Files.readString(repo.resolveSibling("push.log"), StandardCharsets.UTF_8);
            assertTrue(push.exitValue() == 0, "git push succeeded:\n" + pushLog);
        } finally {
            push.destroyForcibly();
        }
        assertThat(page.locator("tr[data-build]").first()).isVisible();
        shot("builds-after-push");

        // Scale web to 2 from the page; two instances come up and show their state, release and uptime.
        link("Processes").click();
        Locator web = page.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Scale web"));
        if (web.count() == 0) {
            Locator add = page.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Add a process type"));
            add.getByLabel("Process type").fill("web");
            add.getByLabel("Instances").fill("2");
            add.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Scale type")).click();
        } else {
            web.getByLabel("Instances").fill("2");
            web.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Scale")).click();
        }
        assertThat(page.locator(".message.success")).containsText("web is now 2");
        Locator running = page.locator("tr[data-instance] td.state-up, tr[data-instance] td.state-running");
        assertThat(running).hasCount(2, new com.microsoft.playwright.assertions.LocatorAssertions.HasCountOptions()
                .setTimeout(Duration.ofMinutes(2).toMillis()));
        assertThat(page.locator("tr[data-instance]").first()).containsText("v");
        shot("two-instances");
        link("Overview").click();
        assertThat(page.locator(".facts")).containsText("running (2)");
        shot("overview-running");
    }

    /** The sample app pushed by the deploy test: a Procfile web process (busybox httpd) and a page. */
    private static Path sampleAppRepository() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("gantry-ui-sample-").resolve("hello");
        Files.createDirectories(dir.resolve("public"));
        Files.writeString(dir.resolve("Procfile"), "web: busybox httpd -f -p $PORT -h public\n");
        Files.writeString(dir.resolve("public/index.html"), "<h1>hello from gantry</h1>\n");
        // The platform tests' builder (TestImages) reads this file; real buildpacks ignore it.
        Files.writeString(dir.resolve("gantry-test-image"), "test:web\n");
        git(dir, "init", "-q", "-b", "main");
        git(dir, "add", ".");
        git(dir, "-c", "user.name=ui test", "-c", "user.email=ui@test", "commit", "-q", "-m", "hello");
        return dir;
    }

    private static void git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + out);
        }
    }

    /** Skips (loudly, with the reason) unless git, git over HTTP, builds and instances are wired in. */
    private void requireDeployWiring(String token, String tenant) {
        List<String> missing = new java.util.ArrayList<>();
        if (!Files.isExecutable(Paths.get("/usr/bin/git"))) {
            missing.add("the git client (/usr/bin/git)");
        }
        if (as(token).get("/api/apps/hello/builds").statusCode() != 200) {
            missing.add("GET /api/apps/{app}/builds");
        }
        if (as(token).get("/api/apps/hello/instances").statusCode() != 200) {
            missing.add("GET /api/apps/{app}/instances");
        }
        int refs = given().auth().preemptive().basic("git", token)
                .get("/git/" + tenant + "/hello.git/info/refs?service=git-receive-pack").statusCode();
        if (refs != 200) {
            missing.add("git over HTTP at /git/<tenant>/<app>.git (info/refs answered " + refs + ")");
        }
        if ("off".equals(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("gantry.router", String.class).orElse("on"))) {
            missing.add("a router beside the platform (tests run with gantry.router=off unless this class uses "
                    + "@TestProfile(ReconcilerProfile.class))");
        }
        if (!missing.isEmpty()) {
            String reason = "SKIPPED: the deploy journey needs " + String.join(", ", missing)
                    + " on this platform (the reconciler/builds/git wiring)";
            System.err.println("\n*** " + reason + " ***\n");
            Assumptions.abort(reason);
        }
    }
}
