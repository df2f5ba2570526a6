package dev.gantry.platform;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Small helpers so API tests read as scenarios: who calls, with what. */
public final class ApiClient {

    private ApiClient() {
    }

    public static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    public static RequestSpecification asAdmin() {
        return as(PostgresTestResource.ADMIN_TOKEN);
    }

    /** A name no other test uses, so tests never depend on each other's data. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a tenant with one app, {@code app}, and returns the tenant's token. */
    public static String newTenantWithApp(String app) {
        String token = newTenant(uniqueName("t"));
        as(token).body(Map.of("name", app)).post("/api/apps").then().statusCode(201);
        return token;
    }

    /** Creates a tenant and returns its first token. */
    public static String newTenant(String name) {
        return asAdmin().body(Map.of("name", name)).post("/api/tenants")
                .then().statusCode(201).extract().path("token");
    }
}
