package dev.gantry.platform.ui;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.asAdmin;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.Map;
import java.util.regex.Pattern;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.Cookie;
import dev.gantry.platform.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium}, never a downloaded browser), against the
 * platform with a real PostgreSQL. Every page it visits is saved as a screenshot under
 * {@code platform-api/target/screenshots/}.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class DashboardBrowserTest extends BrowserTestBase {

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
        // "not scaled" from the formation alone; "not running" where the platform reports instances.
        assertThat(row.locator("td[data-state]")).hasText(Pattern.compile("not scaled|not running"));
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
        // A rolling restart, or a sentence saying this platform cannot restart yet.
        button("Restart all instances").click();
        assertThat(page.locator("#tab .message").first())
                .hasText(Pattern.compile("Restarting: new instances start.*|This platform cannot restart instances yet\\."));

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

        // Removing a config var makes a release too.
        link("Config vars").click();
        button("Remove LATE_VAR").click();
        assertThat(page.locator(".message.success")).hasText("LATE_VAR is removed. New release v6: Unset LATE_VAR.");
        assertThat(page.locator("tr[data-var=LATE_VAR]")).hasCount(0);

        // The build page copes with a platform that has no builds yet, and its log stream is connected.
        link("Builds").click();
        assertThat(page.getByTestId("build-log-state")).containsText("Live");
        shot("builds");

        // Quota page with bars.
        link("Quota").click();
        assertThat(page.getByTestId("quota")).containsText("2 of 10 used (20%)");
        assertThat(page.getByTestId("quota")).containsText("512M of 2G used");
        shot("quota");

        // Deleting an app (after a confirmation) returns to the list without it.
        as(token).body(Map.of("name", "scratch")).post("/api/apps").then().statusCode(201);
        page.navigate(root + "#/apps/scratch");
        assertThat(heading("scratch")).isVisible();
        page.onceDialog(dialog -> dialog.accept());
        button("Delete scratch").click();
        assertThat(heading("Apps")).isVisible();
        assertThat(link("shop")).isVisible();
        assertThat(link("scratch")).hasCount(0);

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
}
