package dev.gantry.router;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.gantry.router.Fixture.app;
import static dev.gantry.router.Fixture.originOf;
import static dev.gantry.router.Fixture.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Host routing and the router's own answers (404, 502, 503, 504, 413), against real origins. */
class RoutingTest {

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
    void routesByDefaultNameCustomDomainAndWildcard() {
        int web = fx.echoOrigin("web");
        int api = fx.echoOrigin("api");
        int eu = fx.echoOrigin("eu");
        Router r = fx.router();
        r.update(table(1,
                app("web.acme", List.of("www.example.com", "*.example.com"), RouteOptions.DEFAULTS, web),
                app("api.acme", List.of("api.example.org"), RouteOptions.DEFAULTS, api),
                app("eu.acme", List.of("*.eu.example.com"), RouteOptions.DEFAULTS, eu)));

        assertEquals("web", originOf(fx.get(r, "web.acme.localhost:" + r.httpPort(), "/")));
        assertEquals("web", originOf(fx.get(r, "WEB.Acme.localhost", "/")), "hostnames are case-insensitive");
        assertEquals("web", originOf(fx.get(r, "web.acme.localhost.", "/")), "trailing dot");
        assertEquals("api", originOf(fx.get(r, "api.acme.localhost", "/")));
        assertEquals("web", originOf(fx.get(r, "www.example.com", "/")));
        assertEquals("api", originOf(fx.get(r, "api.example.org:8000", "/")));
        assertEquals("web", originOf(fx.get(r, "shop.example.com", "/")), "wildcard");
        assertEquals("web", originOf(fx.get(r, "a.b.example.com", "/")), "wildcard, deeper name");
        assertEquals("eu", originOf(fx.get(r, "shop.eu.example.com", "/")), "the longer wildcard wins");

        HttpResponse<String> apex = fx.get(r, "example.com", "/");
        assertEquals(404, apex.statusCode(), "*.example.com does not cover example.com itself");
        HttpResponse<String> unknown = fx.get(r, "nope.acme.localhost", "/");
        assertEquals(404, unknown.statusCode());
        assertEquals("no-route", unknown.headers().firstValue("X-Gantry-Error").orElseThrow());
        assertTrue(unknown.body().contains("No app is configured for this hostname"), unknown.body());
    }

    @Test
    void forwardsPathQueryMethodBodyAndProxyHeaders() {
        int web = fx.echoOrigin("web");
        Router r = fx.router();
        r.update(table(1, app("web.acme", web)));
        String host = "web.acme.localhost:" + r.httpPort();

        HttpResponse<String> resp = fx.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + r.httpPort() + "/a/b?x=1&y=%20"))
                .timeout(Duration.ofSeconds(30))
                .header("Host", host)
                .header("X-Forwarded-For", "10.1.1.1")
                .header("X-Request-Id", "abc-123")
                .header("X-Custom", "kept")
                .header("Connection", "keep-alive, X-Hop")
                .header("X-Hop", "must not pass")
                .POST(HttpRequest.BodyPublishers.ofString("hello"))
                .build());
        assertEquals(200, resp.statusCode());
        JsonObject seen = new JsonObject(resp.body());
        JsonObject h = seen.getJsonObject("headers");
        assertEquals("POST", seen.getString("method"));
        assertEquals("/a/b?x=1&y=%20", seen.getString("uri"));
        assertEquals("hello", seen.getString("body"));
        assertEquals(host, h.getString("host"), "the client's Host reaches the app");
        assertEquals("10.1.1.1, 127.0.0.1", h.getString("x-forwarded-for"));
        assertEquals("http", h.getString("x-forwarded-proto"));
        assertEquals(String.valueOf(r.httpPort()), h.getString("x-forwarded-port"));
        assertEquals(host, h.getString("x-forwarded-host"));
        assertEquals("abc-123", h.getString("x-request-id"), "a client's request id is kept");
        assertEquals("1.1 gantry", h.getString("via"));
        assertEquals("kept", h.getString("x-custom"));
        assertFalse(h.containsKey("x-hop"), "headers named in Connection are hop-by-hop");
        assertEquals("abc-123", resp.headers().firstValue("X-Request-Id").orElseThrow());

        HttpResponse<String> second = fx.get(r, host, "/", Map.of("X-Request-Id", "bad id with spaces"));
        String generated = new JsonObject(second.body()).getJsonObject("headers").getString("x-request-id");
        assertNotNull(generated);
        assertFalse(generated.contains(" "), "an unusable request id is replaced");
        assertEquals(generated, second.headers().firstValue("X-Request-Id").orElseThrow(),
                "the client sees the id the app saw");
    }

    @Test
    void headKeepsContentLengthWithoutBody() {
        int port = fx.origin(req -> {
            req.response().putHeader("content-length", "1234").putHeader("x-origin", "yes");
            if (req.method() == io.vertx.core.http.HttpMethod.HEAD) {
                req.response().end();
            } else {
                req.response().end("h".repeat(1234));
            }
        });
        Router r = fx.router();
        r.update(table(1, app("web.acme", port)));
        HttpResponse<String> resp = fx.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpPort() + "/"))
                .header("Host", "web.acme.localhost").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, resp.statusCode());
        assertEquals("1234", resp.headers().firstValue("content-length").orElseThrow());
        assertEquals("yes", resp.headers().firstValue("x-origin").orElseThrow());
        assertEquals("", resp.body());
        // the pooled origin connection is still usable after a HEAD with Content-Length
        HttpResponse<String> get = fx.get(r, "web.acme.localhost", "/");
        assertEquals(200, get.statusCode());
        assertEquals(1234, get.body().length());
    }

    @Test
    void appWithoutInstancesAnswers503WithRetryAfter() {
        Router r = fx.router();
        r.update(table(1, app("web.acme")));
        HttpResponse<String> resp = fx.get(r, "web.acme.localhost", "/");
        assertEquals(503, resp.statusCode());
        assertEquals("no-instance", resp.headers().firstValue("X-Gantry-Error").orElseThrow());
        assertTrue(Long.parseLong(resp.headers().firstValue("Retry-After").orElseThrow()) >= 1);
        assertTrue(resp.body().contains("no running, healthy instance"), resp.body());
    }

    @Test
    void refusedConnectionIs502ThenEjectedInstanceIs503() {
        Router r = fx.router(fx.config().withEjection(60_000, 1));
        r.update(table(1, app("web.acme", Fixture.deadPort())));
        HttpResponse<String> first = fx.get(r, "web.acme.localhost", "/");
        assertEquals(502, first.statusCode());
        assertEquals("origin-unreachable", first.headers().firstValue("X-Gantry-Error").orElseThrow());
        HttpResponse<String> second = fx.get(r, "web.acme.localhost", "/");
        assertEquals(503, second.statusCode(), "the only instance is ejected now");
        long retryAfter = Long.parseLong(second.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
    }

    @Test
    void originClosingTheConnectionIs502() {
        int port = fx.origin(req -> req.connection().close());
        Router r = fx.router();
        r.update(table(1, app("web.acme", port)));
        HttpResponse<String> resp = fx.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpPort() + "/"))
                .header("Host", "web.acme.localhost").POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertEquals(502, resp.statusCode());
        assertEquals("origin-reset", resp.headers().firstValue("X-Gantry-Error").orElseThrow());
    }

    @Test
    void silentOriginIs504AfterThePerAppTimeout() {
        int slow = fx.origin(req -> { }); // never answers
        int fast = fx.echoOrigin("fast");
        Router r = fx.router();
        r.update(table(1,
                app("slow.acme", List.of(), new RouteOptions(Balancer.ROUND_ROBIN, 300), slow),
                app("fast.acme", fast)));
        HttpResponse<String> resp = fx.get(r, "slow.acme.localhost", "/");
        assertEquals(504, resp.statusCode());
        assertEquals("origin-timeout", resp.headers().firstValue("X-Gantry-Error").orElseThrow());
        assertTrue(resp.body().contains("did not answer in time"), resp.body());
        assertEquals("fast", originOf(fx.get(r, "fast.acme.localhost", "/")), "other apps unaffected");
        assertEquals(List.of(false, false), r.status().stream().map(InstanceStatus::ejected).toList(),
                "a timeout does not eject: the app may just be slow");
    }

    @Test
    void bodyOverTheLimitIs413() {
        int web = fx.echoOrigin("web");
        Router r = fx.router(fx.config().withMaxBodyBytes(1000));
        r.update(table(1, app("web.acme", web)));
        HttpResponse<String> small = fx.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpPort() + "/"))
                .header("Host", "web.acme.localhost").POST(HttpRequest.BodyPublishers.ofString("x".repeat(1000))).build());
        assertEquals(200, small.statusCode());
        HttpResponse<String> declared = fx.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpPort() + "/"))
                .header("Host", "web.acme.localhost").POST(HttpRequest.BodyPublishers.ofString("x".repeat(1001))).build());
        assertEquals(413, declared.statusCode());
        // chunked: the size is only known while streaming
        HttpResponse<String> chunked = fx.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpPort() + "/"))
                .header("Host", "web.acme.localhost")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[5000])))
                .build());
        assertEquals(413, chunked.statusCode());
    }

    @Test
    void connectionStaysUsableAfterTheRouterAnswersWithoutReadingTheBody() {
        int web = fx.echoOrigin("web");
        Router r = fx.router();
        r.update(table(1, app("web.acme", web)));
        for (int i = 0; i < 3; i++) { // the same pooled client connection carries all of these
            HttpResponse<String> notFound = fx.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + r.httpPort() + "/"))
                    .timeout(Duration.ofSeconds(20)).header("Host", "nobody.localhost")
                    .POST(HttpRequest.BodyPublishers.ofString("x".repeat(20_000))).build());
            assertEquals(404, notFound.statusCode());
            assertEquals("web", originOf(fx.get(r, "web.acme.localhost", "/")));
        }
    }

    @Test
    void clientLeavingMidResponseReleasesTheInstance() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean originSawClose = new java.util.concurrent.atomic.AtomicBoolean();
        int port = fx.origin(req -> {
            var resp = req.response().setChunked(true);
            resp.closeHandler(v -> originSawClose.set(true));
            long timer = fx.vertx.setPeriodic(10, t -> {
                if (!resp.closed()) {
                    resp.write("tick ".repeat(100));
                }
            });
            resp.closeHandler(v -> {
                originSawClose.set(true);
                fx.vertx.cancelTimer(timer);
            });
        });
        Router r = fx.router();
        r.update(table(1, app("web.acme", port)));
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", r.httpPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: web.acme.localhost\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] buf = new byte[4096];
            int n = s.getInputStream().read(buf);
            assertTrue(n > 0 && new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
            Fixture.eventually("the stream is in flight", () -> r.status().get(0).inFlight() == 1);
        }
        Fixture.eventually("the instance is released", () -> r.status().get(0).inFlight() == 0);
        Fixture.eventually("the origin connection was closed too", originSawClose::get);
    }
}
