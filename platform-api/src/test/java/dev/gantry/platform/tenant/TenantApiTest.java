package dev.gantry.platform.tenant;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.asAdmin;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.util.Map;

import dev.gantry.platform.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class TenantApiTest {

    @Test
    void adminCreatesTenantAndGetsItsFirstTokenOnce() {
        String name = uniqueName("acme");
        String token = asAdmin().body(Map.of("name", name)).post("/api/tenants")
                .then().statusCode(201)
                .header("Location", containsString("/api/tenants/" + name))
                .body("name", equalTo(name))
                .body("token", startsWith("gantry_"))
                .extract().path("token");

        // The token works for the tenant's own calls...
        as(token).get("/api/apps").then().statusCode(200);
        // ...and is never shown again.
        asAdmin().get("/api/tenants/" + name).then().statusCode(200)
                .body("name", equalTo(name)).body("apps", equalTo(0)).body("$", not(hasItem("token")));
        asAdmin().get("/api/tenants").then().statusCode(200)
                .body("name", hasItem(name)).body(not(containsString(token)));
    }

    @Test
    void duplicateTenantIsAConflict() {
        String name = uniqueName("dup");
        newTenant(name);
        asAdmin().body(Map.of("name", name)).post("/api/tenants")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("A tenant named '" + name + "' already exists."));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Acme", "acme_corp", "-acme", "acme-", "ac me", "é", "a.b",
            "a123456789012345678901234567890123456789012345678901234567890123"})
    void invalidTenantNamesAreRefusedWithAReason(String name) {
        asAdmin().body(Map.of("name", name)).post("/api/tenants")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("status", equalTo(422))
                .body("detail", containsString("tenant name"));
    }

    @Test
    void missingNameIsRefused() {
        asAdmin().body(Map.of()).post("/api/tenants")
                .then().statusCode(422).body("detail", containsString("name is required"));
    }

    @Test
    void onlyTheAdminManagesTenants() {
        String token = newTenant(uniqueName("nosy"));
        as(token).body(Map.of("name", uniqueName("other"))).post("/api/tenants")
                .then().statusCode(403).body("detail", containsString("admin token"));
        as(token).get("/api/tenants").then().statusCode(403);
    }

    @Test
    void callsWithoutAValidTokenAreUnauthorized() {
        given().get("/api/tenants").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"))
                .contentType("application/problem+json")
                .body("detail", containsString("Authorization: Bearer"));
        as("gantry_not-a-real-token").get("/api/tenants").then().statusCode(401)
                .body("detail", containsString("not valid"));
        given().header("Authorization", "Basic dXNlcjpwYXNz").get("/api/tenants").then().statusCode(401)
                .body("detail", containsString("bearer"));
    }

    @Test
    void deletingATenantRemovesItsAppsAndRevokesItsTokens() {
        String name = uniqueName("gone");
        String token = newTenant(name);
        as(token).body(Map.of("name", "web")).post("/api/apps").then().statusCode(201);

        asAdmin().delete("/api/tenants/" + name).then().statusCode(204);

        as(token).get("/api/apps").then().statusCode(401);
        asAdmin().get("/api/tenants/" + name).then().statusCode(404).body("detail", containsString(name));
        asAdmin().delete("/api/tenants/" + name).then().statusCode(404);
        // The name is free again, with no trace of the old apps.
        String again = newTenant(name);
        as(again).get("/api/apps").then().statusCode(200).body("size()", equalTo(0));
    }
}
