package dev.gantry.platform.app;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.asAdmin;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.util.Map;

import dev.gantry.platform.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class AppApiTest {

    private String tenant;
    private String token;

    @BeforeEach
    void newTenantForEachTest() {
        tenant = uniqueName("t");
        token = newTenant(tenant);
    }

    @Test
    void createShowListAndDeleteAnApp() {
        as(token).body(Map.of("name", "web")).post("/api/apps")
                .then().statusCode(201)
                .header("Location", containsString("/api/apps/web"))
                .body("name", equalTo("web"))
                .body("tenant", equalTo(tenant))
                .body("git_url", equalTo("http://localhost:8080/git/" + tenant + "/web.git"))
                .body("web_url", equalTo("http://web." + tenant + ".localhost:8000/"))
                .body("created_at", notNullValue());
        as(token).body(Map.of("name", "worker")).post("/api/apps").then().statusCode(201);

        as(token).get("/api/apps/web").then().statusCode(200).body("name", equalTo("web"));
        as(token).get("/api/apps").then().statusCode(200).body("name", containsInAnyOrder("web", "worker"));

        as(token).delete("/api/apps/web").then().statusCode(204);
        as(token).get("/api/apps/web").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("You have no app named 'web'."));
        as(token).get("/api/apps").then().body("name", containsInAnyOrder("worker"));
    }

    @Test
    void appNamesAreUniquePerTenantNotGlobally() {
        as(token).body(Map.of("name", "web")).post("/api/apps").then().statusCode(201);
        as(token).body(Map.of("name", "web")).post("/api/apps").then().statusCode(409)
                .body("detail", equalTo("You already have an app named 'web'."));

        String other = newTenant(uniqueName("t"));
        as(other).body(Map.of("name", "web")).post("/api/apps").then().statusCode(201);
    }

    @Test
    void aTenantCannotSeeOrDeleteAnotherTenantsApps() {
        as(token).body(Map.of("name", "secret")).post("/api/apps").then().statusCode(201);
        String intruder = newTenant(uniqueName("intruder"));

        // As absent as an app that does not exist: a 404, never a 403 that would confirm the name.
        as(intruder).get("/api/apps/secret").then().statusCode(404);
        as(intruder).delete("/api/apps/secret").then().statusCode(404);
        as(intruder).get("/api/apps").then().statusCode(200).body("size()", equalTo(0));

        as(token).get("/api/apps/secret").then().statusCode(200);
    }

    @Test
    void invalidAppNamesAndBodiesAreRefusedWithAReason() {
        as(token).body(Map.of("name", "My_App")).post("/api/apps").then().statusCode(422)
                .body("detail", containsString("not a valid app name"))
                .body("detail", containsString("lowercase"));
        as(token).body("{\"name\":").post("/api/apps").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("not valid JSON"));
        as(token).body("[1, 2]").post("/api/apps").then().statusCode(400)
                .body("detail", containsString("expected shape"));
        as(token).post("/api/apps").then().statusCode(400)
                .body("detail", containsString("JSON body"));
        as(token).contentType("text/plain").body("web").post("/api/apps").then().statusCode(415);
    }

    @Test
    void theAdminTokenIsNotATenant() {
        asAdmin().get("/api/apps").then().statusCode(403).body("detail", containsString("tenant's token"));
        asAdmin().body(Map.of("name", "web")).post("/api/apps").then().statusCode(403);
    }

    @Test
    void anAppRunsLocallyUntilPlacedElsewhereAndKubernetesNeedsACluster() {
        as(token).body(Map.of("name", "placed")).post("/api/apps").then().statusCode(201)
                .body("backend", equalTo("local"));
        as(token).body(Map.of("backend", "kubernetes")).patch("/api/apps/placed").then().statusCode(422)
                .body("type", equalTo("urn:gantry:problem:backend-unavailable"))
                .body("detail", containsString("GANTRY_KUBERNETES_KUBECONFIG"));
        as(token).body(Map.of("backend", "mainframe")).patch("/api/apps/placed").then().statusCode(422)
                .body("detail", containsString("\"local\""));
        as(token).body(Map.of("backend", "local")).patch("/api/apps/placed").then().statusCode(200)
                .body("backend", equalTo("local"));
        as(token).get("/api/apps/placed").then().statusCode(200).body("backend", equalTo("local"));

        asAdmin().body(Map.of("backend", "kubernetes")).patch("/api/tenants/" + tenant).then().statusCode(422)
                .body("type", equalTo("urn:gantry:problem:backend-unavailable"));
        asAdmin().body(Map.of("backend", "local")).patch("/api/tenants/" + tenant).then().statusCode(200)
                .body("backend", equalTo("local"));
        as(token).body(Map.of("backend", "local")).patch("/api/tenants/" + tenant).then().statusCode(403);
    }
}
