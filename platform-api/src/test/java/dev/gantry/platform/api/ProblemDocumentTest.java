package dev.gantry.platform.api;

import static dev.gantry.platform.ApiClient.asAdmin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.gantry.platform.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Every error, whoever raises it, leaves the API as application/problem+json with a readable sentence. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ProblemDocumentTest {

    @Test
    void unknownApiPathsAreProblems() {
        asAdmin().get("/api/no-such-thing/here").then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo("urn:gantry:problem:not-found"))
                .body("title", equalTo("Not Found"))
                .body("status", equalTo(404))
                .body("detail", containsString("/q/openapi"))
                .body("instance", equalTo("/api/no-such-thing/here"));
    }

    @Test
    void wrongMethodsAreProblems() {
        asAdmin().put("/api/tenants").then().statusCode(405)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", containsString("not allowed"));
    }

    @Test
    void wrongMediaTypesAreProblems() {
        asAdmin().contentType("application/xml").body("<tenant/>").post("/api/tenants").then().statusCode(415)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", containsString("application/json"));
    }
}
