package dev.gantry.platform.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * A real headless Chromium (Debian's {@code chromium}, never a downloaded browser) for the dashboard's tests,
 * driven by Playwright; skipped with the reason when Chromium is missing. Each test's pages are saved as
 * screenshots under {@code platform-api/target/screenshots/}.
 */
abstract class BrowserTestBase {

    static final Path CHROMIUM = Paths.get(System.getProperty("gantry.chromium", "/usr/bin/chromium"));
    static final Path SCREENSHOTS = Paths.get("target", "screenshots");

    static Playwright playwright;
    static Browser browser;

    @TestHTTPResource("/")
    URL root;

    BrowserContext context;
    Page page;
    String testName;
    final List<String> policyViolations = new java.util.concurrent.CopyOnWriteArrayList<>();

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

    void shot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setFullPage(true)
                .setPath(SCREENSHOTS.resolve(testName + "-" + name + ".png")));
    }

    Locator button(String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    Locator heading(String name) {
        return page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName(name).setLevel(1));
    }

    Locator link(String name) {
        return page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    void signIn(String token) {
        page.navigate(root.toString());
        assertThat(heading("Sign in to Gantry")).isVisible();
        page.getByLabel("API token").fill(token);
        button("Sign in").click();
    }

}
