package dev.gantry.router;

import io.vertx.core.json.JsonArray;
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
import java.time.Duration;
import java.util.List;

import static dev.gantry.router.Fixture.app;
import static dev.gantry.router.Fixture.originOf;
import static dev.gantry.router.Fixture.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API the platform calls, the saved table, and a restart while the platform is down. */
class AdminApiTest {

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

    HttpResponse<String> admin(Router r, String method, String path, String body) {
        return fx.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.adminPort() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    static String tableJson(long version, int port) {
        return new JsonObject().put("version", version).put("apps", new JsonArray().add(new JsonObject()
                .put("app", "web.acme")
                .put("hostnames", new JsonArray().add("www.example.com").add("*.example.net"))
                .put("instances", new JsonArray().add(new JsonObject().put("host", "127.0.0.1").put("port", port)))
                .put("options", new JsonObject().put("balancer", "least-requests").put("request_timeout_ms", 5000))))
                .encode();
    }

    @Test
    void putThenGetAndServe() {
        int web = fx.echoOrigin("web");
        Router r = fx.router();
        HttpResponse<String> put = admin(r, "PUT", "/v1/routes", tableJson(3, web));
        assertEquals(200, put.statusCode(), put.body());
        assertEquals(new JsonObject().put("version", 3).put("applied", true), new JsonObject(put.body()));
        assertEquals("web", originOf(fx.get(r, "web.acme.localhost", "/")));
        assertEquals("web", originOf(fx.get(r, "x.example.net", "/")));

        HttpResponse<String> get = admin(r, "GET", "/v1/routes", null);
        assertEquals(200, get.statusCode());
        assertEquals("\"3\"", get.headers().firstValue("ETag").orElseThrow());
        assertEquals(new JsonObject(tableJson(3, web)), new JsonObject(get.body()));

        JsonObject status = new JsonObject(admin(r, "GET", "/v1/status", null).body());
        assertEquals(3, status.getLong("version"));
        JsonObject instance = status.getJsonArray("instances").getJsonObject(0);
        assertEquals(web, instance.getInteger("port"));
        assertEquals(0, instance.getInteger("in_flight"));
        assertFalse(instance.getBoolean("ejected"));
        assertFalse(instance.getBoolean("draining"));
        assertEquals(200, admin(r, "GET", "/healthz", null).statusCode());
    }

    @Test
    void versionsMakePutsIdempotentAndRefuseStaleTables() {
        int web = fx.echoOrigin("web");
        Router r = fx.router();
        assertEquals(200, admin(r, "PUT", "/v1/routes", tableJson(5, web)).statusCode());
        HttpResponse<String> again = admin(r, "PUT", "/v1/routes", tableJson(5, web));
        assertEquals(200, again.statusCode());
        assertEquals(false, new JsonObject(again.body()).getBoolean("applied"), "same version, same content");

        HttpResponse<String> conflicting = admin(r, "PUT", "/v1/routes", tableJson(5, web + 1));
        assertEquals(409, conflicting.statusCode());
        assertEquals("application/problem+json", conflicting.headers().firstValue("content-type").orElseThrow());
        assertEquals("stale_version", new JsonObject(conflicting.body()).getString("code"));
        assertEquals(409, admin(r, "PUT", "/v1/routes", tableJson(4, web)).statusCode());
        assertEquals(5, r.table().version());
        assertEquals(web, r.table().apps().get(0).instances().get(0).port(), "refused tables change nothing");
    }

    @Test
    void invalidTablesAreRefusedWithASentence() {
        Router r = fx.router();
        for (String bad : List.of(
                "not json",
                "{\"apps\":[]}",
                "{\"version\":1,\"apps\":[{\"app\":\"no-tenant\",\"instances\":[]}]}",
                "{\"version\":1,\"apps\":[{\"app\":\"web.acme\",\"instances\":[{\"host\":\"h\",\"port\":70000}]}]}",
                "{\"version\":1,\"apps\":[{\"app\":\"web.acme\",\"hostnames\":[\"bad_name!\"]}]}",
                "{\"version\":1,\"apps\":[{\"app\":\"web.acme\",\"options\":{\"balancer\":\"random\"}}]}",
                "{\"version\":1,\"apps\":[{\"app\":\"a.t\",\"hostnames\":[\"x.com\"]},{\"app\":\"b.t\",\"hostnames\":[\"x.com\"]}]}",
                "{\"version\":1,\"apps\":[{\"app\":\"a.t\"},{\"app\":\"b.t\",\"hostnames\":[\"a.t.localhost\"]}]}",
                "{\"version\":\"one\",\"apps\":[]}")) {
            HttpResponse<String> resp = admin(r, "PUT", "/v1/routes", bad);
            assertEquals(400, resp.statusCode(), bad + " -> " + resp.body());
            assertFalse(new JsonObject(resp.body()).getString("detail").isBlank());
        }
        assertEquals(0, r.table().version());
        assertEquals(405, admin(r, "DELETE", "/v1/routes", null).statusCode());
        assertEquals(404, admin(r, "GET", "/v2/nothing", null).statusCode());
    }

    @Test
    void restartServesTheSavedTableWithoutThePlatform() {
        int web = fx.echoOrigin("web");
        Router first = fx.router();
        first.update(table(7, app("web.acme", List.of("www.example.com"), RouteOptions.DEFAULTS, web)));
        first.close();
        assertTrue(Files.exists(state.resolve("routes.json")));

        Router second = fx.router(); // same state dir, nobody PUTs anything
        assertEquals(7, second.table().version());
        assertEquals("web", originOf(fx.get(second, "www.example.com", "/")));
        assertEquals(StalenessCheck.STALE, StalenessCheck.of(() -> second.update(table(6))));
    }

    @Test
    void corruptSavedTableIsMovedAsideAndTheRouterStartsEmpty() throws Exception {
        Files.writeString(state.resolve("routes.json"), "{\"version\": 3, \"apps\": [ {\"app\": ");
        Router r = fx.router();
        assertEquals(0, r.table().version());
        assertTrue(Files.exists(state.resolve("routes.json.corrupt")));
        assertEquals(404, fx.get(r, "web.acme.localhost", "/").statusCode());
    }

    @Test
    void adminApiListensOnLoopbackOnly() {
        RouterConfig defaults = RouterConfig.fromEnv(java.util.Map.of());
        assertEquals("127.0.0.1", defaults.adminHost());
        assertEquals(8001, defaults.adminPort());
        assertEquals(8000, defaults.httpPort());
        assertEquals(8443, defaults.httpsPort());
        assertEquals("localhost", defaults.baseDomain());
        RouterException e = assertThrows(RouterException.class,
                () -> RouterConfig.fromEnv(java.util.Map.of("GANTRY_ROUTER_HTTP_PORT", "eighty")));
        assertEquals(RouterException.Code.START_FAILED, e.code());
    }

    /** Small helper so the stale-version assertion reads as one line. */
    enum StalenessCheck {
        STALE, OTHER;

        static StalenessCheck of(Runnable r) {
            try {
                r.run();
                return OTHER;
            } catch (RouterException e) {
                return e.code() == RouterException.Code.STALE_VERSION ? STALE : OTHER;
            }
        }
    }
}
