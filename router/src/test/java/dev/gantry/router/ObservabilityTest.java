package dev.gantry.router;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.gantry.router.Fixture.app;
import static dev.gantry.router.Fixture.eventually;
import static dev.gantry.router.Fixture.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log (one JSON line per request) and the Prometheus metrics on the admin port. */
class ObservabilityTest {

    @TempDir
    Path state;
    Fixture fx;

    @BeforeEach
    void setUp() {
        fx = new Fixture(state);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void accessLogAndMetricsDescribeEachRequest() throws Exception {
        Path log = state.resolve("access.log");
        int web = fx.echoOrigin("web");
        Router r = fx.router(fx.config().withAccessLog(log.toString()).withEjection(60_000, 1));
        r.update(table(1, app("web.acme", web), app("down.acme", Fixture.deadPort())));

        assertEquals(200, fx.get(r, "web.acme.localhost", "/hello", Map.of("X-Request-Id", "req-1")).statusCode());
        assertEquals(502, fx.get(r, "down.acme.localhost", "/").statusCode());
        assertEquals(404, fx.get(r, "nobody.localhost", "/").statusCode());

        eventually("three access log lines", () -> {
            try {
                return Files.exists(log) && Files.readAllLines(log).size() >= 3;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        List<String> lines = Files.readAllLines(log);
        JsonObject ok = new JsonObject(lines.get(0));
        assertEquals("req-1", ok.getString("request_id"));
        assertEquals("web.acme", ok.getString("app"));
        assertEquals("/hello", ok.getString("path"));
        assertEquals(200, ok.getInteger("status"));
        assertEquals("127.0.0.1:" + web, ok.getString("instance"));
        assertTrue(ok.getLong("bytes_out") > 0);
        assertTrue(ok.getDouble("total_ms") >= ok.getDouble("origin_ms"));
        JsonObject bad = new JsonObject(lines.get(1));
        assertEquals(502, bad.getInteger("status"));
        assertEquals("origin-unreachable", bad.getString("error"));
        assertEquals("no-route", new JsonObject(lines.get(2)).getString("error"));

        HttpResponse<String> metrics = fx.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + r.adminPort() + "/metrics")).build());
        assertEquals(200, metrics.statusCode());
        String text = metrics.body();
        assertTrue(text.contains("gantry_router_requests_total{app=\"web.acme\",class=\"2xx\"} 1"), text);
        assertTrue(text.contains("gantry_router_requests_total{app=\"down.acme\",class=\"5xx\"} 1"), text);
        assertTrue(text.contains("gantry_router_upstream_errors_total{app=\"down.acme\",error=\"origin-unreachable\"} 1"), text);
        assertTrue(text.contains("gantry_router_request_duration_seconds_count{app=\"web.acme\"} 1"), text);
        assertTrue(text.contains("gantry_router_request_duration_seconds_bucket{app=\"web.acme\",le=\"+Inf\"} 1"), text);
        assertTrue(text.contains("gantry_router_open_connections "), text);
    }
}
