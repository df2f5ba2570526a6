package dev.gantry.platform.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.asAdmin;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.Cookie;
import dev.gantry.platform.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium}, never a downloaded browser), against the
 * platform with a real PostgreSQL. Every page it visits is saved as a screenshot under
 * {@code platform-api/target/screenshots/}.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class DashboardBrowserTest {

    static final Path CHROMIUM = Paths.get(System.getProperty("gantry.chromium", "/usr/bin/chromium"));
    static final Path SCREENSHOTS = Paths.get("target", "screenshots");

    private static Playwright playwright;
    private static Browser browser;

    @TestHTTPResource("/")
    URL root;

    private BrowserContext context;
    private Page page;
    private String testName;
    private final List<String> policyViolations = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void startBrowser() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            String reason = "SKIPPED: the dashboard browser tests need Chromium at " + CHROMIUM
                    + " (Debian: apt-get install chromium; .ci/run installs it)";
            System.err.println("\n*** " + reason + " ***\n");
            Assumptions.abort(reason);
        }
        Files.createDirectories(SCREENSHOTS);
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run")));
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @BeforeEach
    void newPage(TestInfo info) {
        testName = info.getTestMethod().map(m -> m.getName()).orElse("test");
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
        context.setDefaultTimeout(15_000);
        page = context.newPage();
        page.onPageError(error -> System.err.println("browser page error: " + error));
        page.onConsoleMessage(m -> {
            if (m.type().equals("error") && m.text().contains("Content Security Policy")) {
                policyViolations.add(m.text());
            }
        });
    }

    @AfterEach
    void closePage() {
        if (page != null) {
            shot("last");
        }
        if (context != null) {
            context.close();
        }
    }

    private void shot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
                .setPath(SCREENSHOTS.resolve(testName + "-" + name + ".png")));
    }

    private Locator button(String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    private Locator heading(String name) {
        return page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName(name).setLevel(1));
    }

    private Locator link(String name) {
        return page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    private void signIn(String token) {
        page.navigate(root.toString());
        assertThat(heading("Sign in to Gantry")).isVisible();
        page.getByLabel("API token").fill(token);
        button("Sign in").click();
    }

    @Test
    void aWrongTokenIsRefusedWithAMessage() {
        page.navigate(root.toString());
        assertThat(heading("Sign in to Gantry")).isVisible();
        shot("sign-in");
        page.getByLabel("API token").fill("gantry_this-is-not-a-token");
        button("Sign in").click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("That token was not accepted");
        assertThat(heading("Sign in to Gantry")).isVisible();
        shot("refused");
        assertTrue(context.cookies().stream().noneMatch(c -> c.name.equals(DashboardSessions.COOKIE)));
    }

    @Test
    void aTenantsDay() {
        String tenant = uniqueName("t");
        String token = newTenant(tenant);
        signIn(token);

        // The app list, empty at first, with the quota bars.
        assertThat(heading("Apps")).isVisible();
        assertThat(page.getByText("You have no apps yet")).isVisible();
        assertThat(page.getByTestId("quota")).containsText("0 of 10 used");
        assertThat(page.locator("#who")).containsText("Tenant " + tenant);
        shot("apps-empty");

        // Create an app and read the push instructions.
        link("New app").first().click();
        assertThat(heading("New app")).isVisible();
        page.getByLabel("App name").fill("Bad_Name");
        button("Create app").click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("not a valid app name");
        shot("new-app-invalid");
        page.getByLabel("App name").fill("shop");
        button("Create app").click();
        assertThat(page.getByRole(AriaRole.STATUS).filter(new Locator.FilterOptions().setHasText("is created")))
                .containsText("App shop is created.");
        assertThat(page.locator(".command pre").first())
                .hasText("git remote add paas http://localhost:8080/git/" + tenant + "/shop.git");
        assertThat(page.locator(".command pre").nth(1)).hasText("git push paas main");
        shot("new-app-created");

        // The list shows it with its state and URL.
        link("Apps").click();
        Locator row = page.locator("tr", new Page.LocatorOptions().setHas(link("shop")));
        assertThat(row).containsText("http://shop." + tenant + ".localhost:8000/");
        assertThat(row).containsText("not scaled");
        shot("apps");

        // The app page.
        link("shop").click();
        assertThat(heading("shop")).isVisible();
        assertThat(page.locator(".facts")).containsText("v1: Initial release");
        assertThat(page.locator(".command pre").first()).containsText("git remote add paas");
        shot("app-overview");

        // Scale: a new process type, then beyond the quota (refused, in words), then back within it.
        link("Processes").click();
        assertThat(page.getByTestId("quota-line")).containsText("instances 0 of 10");
        Locator add = page.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Add a process type"));
        assertThat(add.getByLabel("Process type")).hasValue("web");
        add.getByLabel("Instances").fill("2");
        add.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Scale type")).click();
        assertThat(page.locator(".message.success")).hasText("web is now 2 × 256M.");
        assertThat(page.getByTestId("quota-line")).containsText("instances 2 of 10");
        Locator web = page.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Scale web"));
        assertThat(web.getByLabel("Instances")).hasValue("2");
        shot("processes-scaled");
        web.getByLabel("Instances").fill("20");
        web.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Scale")).click();
        // 20 × 256M is the first limit crossed: memory.
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("Not scaled: This would need 5G memory in total");
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("over its quota of 2G (512M in use now)");
        shot("processes-refused");
        assertThat(web.getByLabel("Instances")).hasValue("2");

        // A config var makes a new release.
        link("Config vars").click();
        assertThat(page.getByText("No config vars yet")).isVisible();
        page.getByLabel("Name").fill("GREETING");
        page.getByLabel("Value", new Page.GetByLabelOptions().setExact(true)).fill("hello world");
        button("Add").click();
        assertThat(page.locator(".message.success")).containsText("GREETING is set. New release v2: Set GREETING.");
        assertThat(page.getByLabel("Value of GREETING")).hasValue("hello world");
        page.getByLabel("Value of GREETING").fill("hello again");
        button("Save GREETING").click();
        assertThat(page.locator(".message.success")).containsText("New release v3");
        shot("config");

        // Releases, and a one-click rollback that makes another release.
        link("Releases").click();
        Locator v3 = page.locator("tr[data-release=v3]");
        assertThat(v3).containsText("current");
        assertThat(v3).containsText("Set GREETING");
        shot("releases");
        button("Roll back to v2").click();
        assertThat(page.locator(".message.success")).hasText("Rolled back to v2: v4 is now current.");
        assertThat(page.locator("tr[data-release=v4]")).containsText("current");
        shot("releases-rolled-back");
        link("Config vars").click();
        assertThat(page.getByLabel("Value of GREETING")).hasValue("hello world");

        // Domains: the default host name.
        link("Domains").click();
        assertThat(page.locator("#tab")).containsText("shop." + tenant + ".localhost");
        shot("domains");

        // Events: who did what.
        link("Events").click();
        Locator events = page.locator("ol.events");
        assertThat(events).containsText("Rolled back to v2");
        assertThat(events).containsText("Scaled web=2:256M");
        assertThat(events).containsText("Created app shop");
        assertThat(events).containsText("via dashboard");
        shot("events");

        // The live log (Server-Sent Events) shows platform events, and new ones arrive without a reload.
        link("Logs").click();
        assertThat(page.getByTestId("log-state")).containsText("Live");
        Locator log = page.getByTestId("app-log");
        assertThat(log).containsText("Created app shop");
        as(token).body(Map.of("LATE_VAR", "1")).patch("/api/apps/shop/config").then().statusCode(200);
        assertThat(log).containsText("Release v5: Set LATE_VAR");
        shot("logs");

        // The build page copes with a platform that has no builds yet, and its log stream is connected.
        link("Builds").click();
        assertThat(page.getByTestId("build-log-state")).containsText("Live");
        shot("builds");

        // Quota page with bars.
        link("Quota").click();
        assertThat(page.getByTestId("quota")).containsText("2 of 10 used (20%)");
        assertThat(page.getByTestId("quota")).containsText("512M of 2G used");
        shot("quota");

        // A phone-sized screen.
        page.setViewportSize(390, 844);
        page.navigate(root + "#/apps/shop/processes");
        assertThat(heading("shop · Processes")).isVisible();
        assertThat(page.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Scale web"))).isVisible();
        shot("phone-processes");
        page.setViewportSize(1280, 900);

        // Sign out: back to the sign-in page, and the old session cookie no longer opens the API.
        String session = context.cookies().stream().filter(c -> c.name.equals(DashboardSessions.COOKIE))
                .map(c -> c.value).findFirst().orElseThrow();
        Cookie cookie = context.cookies().stream().filter(c -> c.name.equals(DashboardSessions.COOKIE))
                .findFirst().orElseThrow();
        assertTrue(cookie.httpOnly, "the session cookie is HttpOnly");
        given().cookie(DashboardSessions.COOKIE, session).get("/api/apps").then().statusCode(200);
        button("Sign out").click();
        assertThat(heading("Sign in to Gantry")).isVisible();
        assertThat(page.getByRole(AriaRole.STATUS)).containsText("You are signed out.");
        shot("signed-out");
        given().cookie(DashboardSessions.COOKIE, session).get("/api/apps").then().statusCode(401);
        page.reload();
        assertThat(heading("Sign in to Gantry")).isVisible();
        assertTrue(policyViolations.isEmpty(), "the pages break their own Content-Security-Policy: " + policyViolations);
    }

    @Test
    void theAdminSeesTenantsAndTheirQuotas() {
        String tenant = uniqueName("q");
        newTenant(tenant);
        asAdmin().body(Map.of("instances", 4)).patch("/api/tenants/" + tenant + "/quota").then().statusCode(200);
        signIn(PostgresTestResource.ADMIN_TOKEN);
        assertThat(heading("Tenants")).isVisible();
        assertThat(page.locator("#who")).containsText("Admin");
        Locator row = page.locator("tr[data-tenant=" + tenant + "]");
        assertThat(row).containsText("0 of 4");
        assertThat(row).containsText("0M of 2G");
        shot("tenants");

        // Change a quota from the page.
        Locator form = page.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Quota of " + tenant));
        form.getByLabel("Instances").fill("6");
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
        assertThat(page.locator(".message.success")).hasText("The quota of " + tenant + " is saved.");
        assertThat(row).containsText("0 of 6");
        form.getByLabel("Memory").fill("lots");
        form.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).containsText("The quota of " + tenant + " was not changed");

        // Create a tenant: its first token is shown once.
        String created = uniqueName("n");
        page.getByLabel("New tenant").fill(created);
        button("Create tenant").click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("First token of " + created)))
                .isVisible();
        assertThat(page.locator(".command pre")).containsText(Pattern.compile("gantry_\\S+"));
        assertThat(page.locator("tr[data-tenant=" + created + "]")).isVisible();
        shot("tenant-created");
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
        if (!missing.isEmpty()) {
            String reason = "SKIPPED: the deploy journey needs " + String.join(", ", missing)
                    + " on this platform (the reconciler/builds/git wiring)";
            System.err.println("\n*** " + reason + " ***\n");
            Assumptions.abort(reason);
        }
    }
}
