package dev.gantry.platform.quota;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.asAdmin;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.uniqueName;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.gantry.platform.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class QuotaApiTest {

    private String tenant;
    private String token;

    @BeforeEach
    void newTenantWithTwoApps() {
        tenant = uniqueName("t");
        token = newTenant(tenant);
        as(token).body(Map.of("name", "web")).post("/api/apps").then().statusCode(201);
        as(token).body(Map.of("name", "api")).post("/api/apps").then().statusCode(201);
    }

    @Test
    void newTenantsStartWithTheDefaultQuotaAndSeeTheirUsage() {
        as(token).get("/api/quota").then().statusCode(200)
                .body("limit.memory", equalTo("2G"))
                .body("limit.instances", equalTo(10))
                .body("limit.cpus", equalTo(2))
                .body("used.memory", equalTo("0M"))
                .body("used.instances", equalTo(0));

        scale("web", 3, "512M").then().statusCode(200);
        as(token).get("/api/quota").then()
                .body("used.memory", equalTo("1536M"))
                .body("used.instances", equalTo(3))
                .body("used.cpus", equalTo(1.5f));
    }

    @Test
    void scalingBeyondTheQuotaIsRefusedWith422AndTheNumbers() {
        scale("web", 2, "512M").then().statusCode(200);
        scale("api", 3, "512M").then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:gantry:problem:quota-exceeded"))
                .body("resource", equalTo("memory"))
                .body("requested", equalTo("2560M"))
                .body("used", equalTo("1G"))
                .body("limit", equalTo("2G"))
                .body("detail", containsString("over its quota of 2G"));
        as(token).get("/api/apps/api/formation").then().body("size()", equalTo(0));
        scale("api", 2, "512M").then().statusCode(200); // exactly at the limit is fine
    }

    @Test
    void theAdminSetsQuotasAndNullMeansUnlimited() {
        asAdmin().body(Map.of("instances", 1)).patch("/api/tenants/" + tenant + "/quota").then().statusCode(200)
                .body("limit.instances", equalTo(1)).body("limit.memory", equalTo("2G"));
        scale("web", 2, "256M").then().statusCode(422).body("resource", equalTo("instances"))
                .body("requested", equalTo(2)).body("limit", equalTo(1));

        asAdmin().body("{\"instances\": null, \"memory\": \"8G\", \"cpus\": 4}")
                .patch("/api/tenants/" + tenant + "/quota").then().statusCode(200)
                .body("limit.instances", nullValue())
                .body("limit.memory", equalTo("8G"))
                .body("limit.cpus", equalTo(4));
        scale("web", 12, "256M").then().statusCode(200);
        asAdmin().get("/api/tenants/" + tenant + "/quota").then().body("used.instances", equalTo(12));
    }

    @Test
    void aLoweredQuotaStopsGrowthButAllowsScalingDown() {
        scale("web", 4, "256M").then().statusCode(200);
        asAdmin().body(Map.of("instances", 2)).patch("/api/tenants/" + tenant + "/quota").then().statusCode(200);

        scale("web", 5, "256M").then().statusCode(422);
        scale("web", 3, "256M").then().statusCode(200);
        scale("api", 1, "256M").then().statusCode(422);
    }

    @Test
    void onlyTheAdminChangesQuotasAndBadValuesAreRefused() {
        as(token).body(Map.of("instances", 100)).patch("/api/tenants/" + tenant + "/quota").then().statusCode(403);
        asAdmin().body(Map.of("memory", "a lot")).patch("/api/tenants/" + tenant + "/quota").then().statusCode(422);
        asAdmin().body(Map.of("instances", -1)).patch("/api/tenants/" + tenant + "/quota").then().statusCode(422);
        asAdmin().body(Map.of("disk", "1G")).patch("/api/tenants/" + tenant + "/quota").then().statusCode(422)
                .body("detail", containsString("memory, instances and cpus"));
        asAdmin().body(Map.of("instances", 1)).patch("/api/tenants/nobody-here/quota").then().statusCode(404);
    }

    /** Two scale requests racing for the last room under the quota: the tenant lock lets exactly one win. */
    @Test
    void concurrentScaleRequestsCannotBothSqueezeUnderTheQuota() throws Exception {
        asAdmin().body(Map.of("instances", 3)).patch("/api/tenants/" + tenant + "/quota").then().statusCode(200);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (String app : List.of("web", "api")) {
                results.add(pool.submit(() -> {
                    go.await();
                    return scale(app, 2, "256M").then().extract().statusCode();
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : results) {
                statuses.add(f.get());
            }
            Collections.sort(statuses);
            assertEquals(List.of(200, 422), statuses);
        } finally {
            pool.shutdownNow();
        }
        as(token).get("/api/quota").then().body("used.instances", equalTo(2));
    }

    private io.restassured.response.Response scale(String app, int quantity, String size) {
        return as(token).body(Map.of("web", Map.of("quantity", quantity, "size", size)))
                .patch("/api/apps/" + app + "/formation");
    }
}
