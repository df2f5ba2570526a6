package dev.gantry.platform;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** What operators and tools rely on: health with the database in it, OpenAPI, Prometheus metrics. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class OperationsEndpointsTest {

    @Test
    void healthIsUpAndIncludesTheDatabase() {
        given().get("/q/health").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", org.hamcrest.Matchers.hasItem(containsString("Database")));
    }

    @Test
    void openApiDescribesTheApi() {
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/apps"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/tenants"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/tokens"));
    }

    @Test
    void prometheusMetricsAreServed() {
        given().get("/api/apps"); // at least one counted request
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("http_server_requests_seconds_count"))
                .body(containsString("jvm_memory_used_bytes"));
    }
}
