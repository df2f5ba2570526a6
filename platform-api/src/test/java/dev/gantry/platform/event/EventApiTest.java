package dev.gantry.platform.event;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;

import dev.gantry.platform.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class EventApiTest {

    @Test
    void theAuditTrailSaysWhoDidWhatNewestFirst() {
        String token = newTenant(uniqueName("t"));
        String ci = as(token).body(Map.of("description", "ci")).post("/api/tokens").then().statusCode(201)
                .extract().path("token");
        as(token).body(Map.of("name", "shop")).post("/api/apps").then().statusCode(201);
        as(ci).body(Map.of("web", Map.of("quantity", 2, "size", "512M"))).patch("/api/apps/shop/formation")
                .then().statusCode(200);
        as(token).body(Map.of("SECRET", "hunter2")).patch("/api/apps/shop/config").then().statusCode(200);
        as(token).post("/api/apps/shop/releases/v1/rollback").then().statusCode(201);

        as(token).get("/api/apps/shop/events").then().statusCode(200)
                .body("kind", equalTo(List.of("release", "rollback", "release", "scale", "release", "app.create")))
                .body("[0].message", equalTo("Release v3: Rollback to v1"))
                .body("[2].message", equalTo("Release v2: Set SECRET"))
                .body("[3].message", equalTo("Scaled web=2:512M"))
                .body("[3].actor", containsString("(ci)"))
                .body("actor", everyItem(startsWith("gantry_")))
                .body(not(containsString("hunter2")));
        as(token).get("/api/apps/shop/events?limit=2").then().body("size()", equalTo(2));
        as(token).get("/api/apps/shop/events?limit=0").then().statusCode(422);
        as(newTenant(uniqueName("t"))).get("/api/apps/shop/events").then().statusCode(404);
    }
}
