package dev.gantry.platform.release;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.asAdmin;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gantry.platform.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ReleaseApiTest {

    private String tenant;
    private String token;

    @BeforeEach
    void appOfANewTenant() {
        tenant = uniqueName("t");
        token = newTenant(tenant);
        as(token).body(Map.of("name", "shop")).post("/api/apps").then().statusCode(201);
    }

    @Test
    void aNewAppStartsAtV1() {
        as(token).get("/api/apps/shop/releases").then().statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].version", equalTo(1))
                .body("[0].name", equalTo("v1"))
                .body("[0].description", equalTo("Initial release"))
                .body("[0].image", nullValue())
                .body("[0].current", equalTo(true))
                .body("[0].created_by", startsWith("gantry_"));
    }

    @Test
    void everyConfigChangeMakesAReleaseThatNamesButNeverShowsTheValues() {
        setConfig(Map.of("DATABASE_URL", "postgres://secret-host/db", "FLAG", "on"));
        Map<String, Object> unset = new HashMap<>();
        unset.put("FLAG", null);
        setConfig(unset);
        setConfig(Map.of("DATABASE_URL", "postgres://secret-host/db")); // no change, no release

        as(token).get("/api/apps/shop/releases").then().statusCode(200)
                .body("version", equalTo(List.of(3, 2, 1)))
                .body("current", equalTo(List.of(true, false, false)))
                .body("[0].description", equalTo("Unset FLAG"))
                .body("[1].description", equalTo("Set DATABASE_URL, FLAG"))
                .body(not(containsString("secret-host")));
    }

    @Test
    void rollbackRestoresConfigAndFormationTogether() {
        scale(2);
        setConfig(Map.of("GREETING", "hello"));        // v2: web=2, GREETING=hello
        scale(5);
        setConfig(Map.of("GREETING", "bonjour", "EXTRA", "1")); // v3: web=5

        as(token).post("/api/apps/shop/releases/v2/rollback").then().statusCode(201)
                .body("version", equalTo(4))
                .body("description", equalTo("Rollback to v2"))
                .body("current", equalTo(true));

        as(token).get("/api/apps/shop/config").then()
                .body("GREETING", equalTo("hello"))
                .body("size()", equalTo(1));
        as(token).get("/api/apps/shop/formation").then().body("web.quantity", equalTo(2));
        as(token).get("/api/apps/shop/releases/4").then().statusCode(200).body("current", equalTo(true));

        // Rolling back to the initial release empties both.
        as(token).post("/api/apps/shop/releases/1/rollback").then().statusCode(201).body("version", equalTo(5));
        as(token).get("/api/apps/shop/config").then().body("size()", equalTo(0));
        as(token).get("/api/apps/shop/formation").then().body("size()", equalTo(0));
    }

    @Test
    void aRollbackThatNoLongerFitsTheQuotaIsRefusedAndChangesNothing() {
        scale(4);
        setConfig(Map.of("A", "1"));                   // v2 asks for 4 instances
        scale(1);
        setConfig(Map.of("A", "2"));                   // v3
        asAdmin().body(Map.of("instances", 2)).patch("/api/tenants/" + tenant + "/quota").then().statusCode(200);

        as(token).post("/api/apps/shop/releases/v2/rollback").then().statusCode(422)
                .body("resource", equalTo("instances"));
        as(token).get("/api/apps/shop/config").then().body("A", equalTo("2"));
        as(token).get("/api/apps/shop/formation").then().body("web.quantity", equalTo(1));
        as(token).get("/api/apps/shop/releases").then().body("size()", equalTo(3));
    }

    @Test
    void unknownOrMalformedVersionsAndOtherTenantsAreRefused() {
        as(token).post("/api/apps/shop/releases/v9/rollback").then().statusCode(404)
                .body("detail", containsString("no release v9"));
        as(token).post("/api/apps/shop/releases/latest/rollback").then().statusCode(422);
        as(token).post("/api/apps/shop/releases/v0/rollback").then().statusCode(422);
        String other = newTenant(uniqueName("t"));
        as(other).get("/api/apps/shop/releases").then().statusCode(404);
        as(other).post("/api/apps/shop/releases/v1/rollback").then().statusCode(404);
        as(token).get("/api/apps/shop/releases").then().body("description", everyItem(not(startsWith("Rollback"))));
    }

    private void setConfig(Map<String, ?> change) {
        as(token).body(change).patch("/api/apps/shop/config").then().statusCode(200);
    }

    private void scale(int web) {
        as(token).body(Map.of("web", Map.of("quantity", web))).patch("/api/apps/shop/formation").then().statusCode(200);
    }

    @Test
    void registryImageReleasesAreForAppsOnKubernetesAndMustNameARegistryImage() {
        as(token).body(Map.of("image", "busybox")).post("/api/apps/shop/releases").then().statusCode(422)
                .body("detail", containsString("not an image in a registry"));
        as(token).body(Map.of("image", "127.0.0.1:5000/t/shop@sha256:abc")).post("/api/apps/shop/releases")
                .then().statusCode(422).body("detail", containsString("not an image in a registry"));
        as(token).body(Map.of()).post("/api/apps/shop/releases").then().statusCode(400);
        as(token).body(Map.of("image", "127.0.0.1:5000/t/shop@sha256:" + "a".repeat(64)))
                .post("/api/apps/shop/releases").then().statusCode(422)
                .body("type", equalTo("urn:gantry:problem:backend-mismatch"));
        as(token).get("/api/apps/shop/releases").then().statusCode(200).body("size()", equalTo(1));
    }
}
