package dev.gantry.platform.logs;

import static dev.gantry.platform.ApiClient.as;
import static dev.gantry.platform.ApiClient.newTenant;
import static dev.gantry.platform.ApiClient.newTenantWithApp;
import static dev.gantry.platform.ApiClient.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.gantry.platform.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class LogsApiTest {

    @TestHTTPResource("/")
    URL base;

    private String token;

    @BeforeEach
    void appOfANewTenant() {
        token = newTenantWithApp("shop");
    }

    @Test
    void platformEventsAreInTheAppsLogStream() {
        as(token).body(Map.of("web", Map.of("quantity", 2))).patch("/api/apps/shop/formation").then().statusCode(200);
        String body = as(token).accept("text/event-stream").get("/api/apps/shop/logs?lines=10")
                .then().statusCode(200).extract().asString();
        List<String> data = body.lines().filter(l -> l.startsWith("data:")).toList();
        assertEquals(3, data.size(), body);
        assertTrue(data.get(0).contains("Created app shop"), body);
        assertTrue(data.get(1).contains("Release v1: Initial release"), body);
        assertTrue(data.get(2).contains("Scaled web=2:256M by gantry_"), body);
        assertTrue(data.get(2).contains("\"source\":\"gantry\""), body);
    }

    @Test
    void tailingShowsNewLinesAsTheyHappen() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/apps/shop/logs?lines=0&tail=true"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (var reader = new BufferedReader(new InputStreamReader(response.body()))) {
            CompletableFuture<String> firstData = CompletableFuture.supplyAsync(() -> {
                try {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        if (line.startsWith("data:")) {
                            return line;
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            as(token).body(Map.of("GREETING", "hi")).patch("/api/apps/shop/config").then().statusCode(200);
            String line = firstData.get(20, TimeUnit.SECONDS);
            assertTrue(line.contains("Release v2: Set GREETING"), line);
        }
    }

    @Test
    void anotherTenantCannotReadTheLogsAndBadParametersAreRefused() {
        as(newTenant(uniqueName("t"))).get("/api/apps/shop/logs").then().statusCode(404);
        as(token).get("/api/apps/shop/logs?lines=-1").then().statusCode(422);
    }

    @Test
    void aDeletedAppsLogGoesWithIt() {
        as(token).delete("/api/apps/shop").then().statusCode(204);
        as(token).body(Map.of("name", "shop")).post("/api/apps").then().statusCode(201);
        String body = as(token).accept("text/event-stream").get("/api/apps/shop/logs").then().extract().asString();
        assertEquals(2, body.lines().filter(l -> l.startsWith("data:")).count(), "only the new app's lines: " + body);
    }
}
