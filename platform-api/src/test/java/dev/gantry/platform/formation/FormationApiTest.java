package dev.gantry.platform.formation;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.newTenantWithApp;
import static dev.gantry.platform.ApiClient.uniqueName;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import dev.gantry.platform.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class FormationApiTest {

    private String token;

    @BeforeEach
    void appOfANewTenant() {
        token = newTenantWithApp("shop");
    }

    @Test
    void aNewAppHasNoFormation() {
        as(token).get("/api/apps/shop/formation").then().statusCode(200).body("$", anEmptyMap());
    }

    @Test
    void scaleAndResizeProcessTypes() {
        as(token).body(Map.of("web", Map.of("quantity", 2, "size", "512M"))).patch("/api/apps/shop/formation")
                .then().statusCode(200)
                .body("web.quantity", equalTo(2))
                .body("web.size", equalTo("512M"))
                .body("web.cpus", equalTo(0.5f));

        // Other types keep their values; a new type gets the default size.
        as(token).body(Map.of("worker", Map.of("quantity", 1))).patch("/api/apps/shop/formation")
                .then().statusCode(200)
                .body("web.quantity", equalTo(2))
                .body("worker.quantity", equalTo(1))
                .body("worker.size", equalTo("256M"))
                .body("worker.cpus", equalTo(0.25f));

        // Explicit CPUs, and scaling to zero keeps the type with quantity 0.
        as(token).body(Map.of("web", Map.of("cpus", 1), "worker", Map.of("quantity", 0)))
                .patch("/api/apps/shop/formation").then().statusCode(200);
        as(token).get("/api/apps/shop/formation").then().statusCode(200)
                .body("web.cpus", equalTo(1))
                .body("web.size", equalTo("512M"))
                .body("worker.quantity", equalTo(0));
    }

    @Test
    void badRequestsAreRefusedWithAReason() {
        as(token).body(Map.of("Web!", Map.of("quantity", 1))).patch("/api/apps/shop/formation")
                .then().statusCode(422).body("detail", containsString("not a process type name"));
        as(token).body(Map.of("web", Map.of("quantity", -1))).patch("/api/apps/shop/formation")
                .then().statusCode(422).body("detail", containsString("between 0 and 100"));
        as(token).body(Map.of("web", Map.of("size", "lots"))).patch("/api/apps/shop/formation")
                .then().statusCode(422).body("detail", containsString("not an amount of memory"));
        as(token).body(Map.of("web", Map.of("size", "1M"))).patch("/api/apps/shop/formation")
                .then().statusCode(422).body("detail", containsString("between 16M"));
        as(token).body(Map.of("web", Map.of("qty", 2))).patch("/api/apps/shop/formation")
                .then().statusCode(400).body("detail", containsString("'qty'"));
        as(token).body(Map.of()).patch("/api/apps/shop/formation").then().statusCode(400);
        // Nothing of the refused requests was kept.
        as(token).get("/api/apps/shop/formation").then().body("$", anEmptyMap());
    }

    @Test
    void anotherTenantsAppIsNotThere() {
        String other = newTenant(uniqueName("t"));
        as(other).get("/api/apps/shop/formation").then().statusCode(404);
        as(other).body(Map.of("web", Map.of("quantity", 1))).patch("/api/apps/shop/formation").then().statusCode(404);
    }
}
