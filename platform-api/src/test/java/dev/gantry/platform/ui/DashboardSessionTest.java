package dev.gantry.platform.ui;

import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import dev.gantry.platform.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/** The dashboard's session at the HTTP level: cookie attributes, CSRF header, sign-out ending the session. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class DashboardSessionTest {

    private static final String CSRF = DashboardSessions.CSRF_HEADER;

    private static String signIn(String token) {
        Response response = given().contentType(ContentType.JSON).header(CSRF, "1").body(Map.of("token", token))
                .post("/ui/session");
        response.then().statusCode(200);
        return response.getCookie(DashboardSessions.COOKIE);
    }

    @Test
    void theDashboardIsServedAtTheRoot() {
        given().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("<script type=\"module\" src=\"/assets/app.js\">"));
        given().get("/assets/app.js").then().statusCode(200).body(containsString("hashchange"));
        given().get("/assets/gantry.css").then().statusCode(200);
        given().get("/").then().header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("X-Frame-Options", "DENY");
        given().get("/assets/app.js").then().header("Cache-Control", "no-cache");
    }

    @Test
    void signInSetsAStrictHttpOnlyCookieThatIsNotTheToken() {
        String token = newTenant(uniqueName("s"));
        Response response = given().contentType(ContentType.JSON).header(CSRF, "1").body(Map.of("token", token))
                .post("/ui/session");
        response.then().statusCode(200).body("admin", equalTo(false)).body("tenant", containsString("s-"));
        String setCookie = response.getHeader("Set-Cookie");
        assertTrue(setCookie.startsWith("gantry_session="), setCookie);
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.toLowerCase().contains("samesite=strict"), setCookie);
        assertTrue(setCookie.contains("Path=/"), setCookie);
        assertTrue(!setCookie.contains(token), "the cookie must not carry the API token");
        assertTrue(!setCookie.contains("Secure"), "plain HTTP: no Secure flag, or the browser would drop it");
    }

    @Test
    void aWrongTokenIsRefusedInWords() {
        given().contentType(ContentType.JSON).header(CSRF, "1").body(Map.of("token", "gantry_nope"))
                .post("/ui/session").then().statusCode(401)
                .body("detail", containsString("That token was not accepted"));
        given().cookie(DashboardSessions.COOKIE, "made-up").get("/api/apps").then().statusCode(401)
                .body("detail", containsString("session has ended"));
        given().get("/ui/session").then().statusCode(401);
    }

    @Test
    void signInAndOutNeedTheCsrfHeader() {
        String token = newTenant(uniqueName("s"));
        given().contentType(ContentType.JSON).body(Map.of("token", token)).post("/ui/session")
                .then().statusCode(403).body("detail", containsString(CSRF));
        String session = signIn(token);
        given().cookie(DashboardSessions.COOKIE, session).delete("/ui/session").then().statusCode(403);
        given().cookie(DashboardSessions.COOKIE, session).get("/ui/session").then().statusCode(200);
    }

    @Test
    void theCookieAuthenticatesApiCallsAndUnsafeOnesNeedTheCsrfHeader() {
        String token = newTenant(uniqueName("s"));
        String session = signIn(token);
        given().cookie(DashboardSessions.COOKIE, session).get("/api/apps").then().statusCode(200);
        given().cookie(DashboardSessions.COOKIE, session).contentType(ContentType.JSON)
                .body(Map.of("name", "web")).post("/api/apps")
                .then().statusCode(403).body("detail", containsString(CSRF));
        given().cookie(DashboardSessions.COOKIE, session).header(CSRF, "1").contentType(ContentType.JSON)
                .body(Map.of("name", "web")).post("/api/apps").then().statusCode(201);
        // The audit trail names the token and says the call came through the dashboard.
        given().cookie(DashboardSessions.COOKIE, session).get("/api/apps/web/events").then().statusCode(200)
                .body("[0].actor", containsString("via dashboard"));
    }

    @Test
    void signOutEndsTheSessionOnTheServer() {
        String token = newTenant(uniqueName("s"));
        String session = signIn(token);
        Response out = given().cookie(DashboardSessions.COOKIE, session).header(CSRF, "1").delete("/ui/session");
        out.then().statusCode(204);
        assertTrue(out.getHeader("Set-Cookie").contains("Max-Age=0"), out.getHeader("Set-Cookie"));
        given().cookie(DashboardSessions.COOKIE, session).get("/api/apps").then().statusCode(401);
        given().cookie(DashboardSessions.COOKIE, session).get("/ui/session").then().statusCode(401);
        // The token itself still works: signing out of the dashboard does not revoke it.
        given().header("Authorization", "Bearer " + token).get("/api/apps").then().statusCode(200);
    }

    @Test
    void revokingTheTokenEndsItsSessions() {
        String token = newTenant(uniqueName("s"));
        String session = signIn(token);
        long id = given().header("Authorization", "Bearer " + token).get("/api/tokens")
                .then().extract().jsonPath().getLong("[0].id");
        // A second token, so the tenant can still call after revoking the first.
        given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON).body(Map.of())
                .post("/api/tokens").then().statusCode(201);
        given().cookie(DashboardSessions.COOKIE, session).header(CSRF, "1").delete("/api/tokens/" + id)
                .then().statusCode(204);
        given().cookie(DashboardSessions.COOKIE, session).get("/api/apps").then().statusCode(401);
    }

    @Test
    void theAdminSignsInToo() {
        String session = signIn(PostgresTestResource.ADMIN_TOKEN);
        given().cookie(DashboardSessions.COOKIE, session).get("/ui/session").then().statusCode(200)
                .body("admin", equalTo(true));
        Response tenants = given().cookie(DashboardSessions.COOKIE, session).get("/api/tenants");
        assertEquals(200, tenants.statusCode());
    }
}
