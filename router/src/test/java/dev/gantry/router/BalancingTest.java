package dev.gantry.router;

import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gantry.router.Fixture.app;
import static dev.gantry.router.Fixture.eventually;
import static dev.gantry.router.Fixture.originOf;
import static dev.gantry.router.Fixture.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round-robin, least-requests, retries on another instance, and passive ejection and return. */
class BalancingTest {

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
    void roundRobinAlternates() {
        int a = fx.echoOrigin("a");
        int b = fx.echoOrigin("b");
        Router r = fx.router();
        r.update(table(1, app("web.acme", a, b)));
        Map<String, Integer> hits = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            hits.merge(originOf(fx.get(r, "web.acme.localhost", "/")), 1, Integer::sum);
        }
        assertEquals(Map.of("a", 5, "b", 5), hits);
    }

    @Test
    void leastRequestsAvoidsTheBusyInstance() {
        ConcurrentLinkedQueue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
        int busy = fx.origin(held::add); // holds every request until released
        int idle = fx.echoOrigin("idle");
        Router r = fx.router();
        r.update(table(1, app("web.acme", List.of(), new RouteOptions(Balancer.LEAST_REQUESTS, 0), busy, idle)));

        // Send requests until one is stuck on the busy instance (the others finish on the idle one).
        CompletableFuture<HttpResponse<String>> stuck = null;
        for (int i = 0; i < 10 && held.isEmpty(); i++) {
            CompletableFuture<HttpResponse<String>> f = fx.http.sendAsync(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + r.httpPort() + "/"))
                    .timeout(Duration.ofSeconds(30)).header("Host", "web.acme.localhost").build(),
                    HttpResponse.BodyHandlers.ofString());
            eventually("the request is answered or held", () -> f.isDone() || !held.isEmpty());
            if (!f.isDone()) {
                stuck = f;
            }
        }
        assertTrue(stuck != null, "one request reached the busy instance");
        for (int i = 0; i < 20; i++) {
            assertEquals("idle", originOf(fx.get(r, "web.acme.localhost", "/")),
                    "with one request in flight on 'busy', every new request goes to 'idle'");
        }
        held.forEach(req -> req.response().end("{\"origin\":\"busy\"}"));
        assertEquals(200, stuck.join().statusCode());
    }

    @Test
    void connectFailureIsRetriedOnAnotherInstanceEvenForPost() {
        int dead = Fixture.deadPort();
        int live = fx.echoOrigin("live");
        Router r = fx.router(fx.config().withEjection(60_000, 1));
        r.update(table(1, app("web.acme", dead, live)));
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> resp = fx.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpPort() + "/"))
                    .timeout(Duration.ofSeconds(30)).header("Host", "web.acme.localhost")
                    .POST(HttpRequest.BodyPublishers.ofString("payload " + i)).build());
            assertEquals(200, resp.statusCode(), resp.body());
            assertTrue(resp.body().contains("\"body\":\"payload " + i + "\""), resp.body());
        }
        InstanceStatus deadStatus = r.status().stream().filter(s -> s.port() == dead).findFirst().orElseThrow();
        assertTrue(deadStatus.ejected(), "the refusing instance is ejected: " + r.status());
    }

    @Test
    void idempotentRequestIsRetriedWhenTheConnectionBreaksBeforeAResponse() {
        AtomicInteger dropped = new AtomicInteger();
        int dropping = fx.origin(req -> {
            dropped.incrementAndGet();
            req.connection().close();
        });
        int live = fx.echoOrigin("live");
        Router r = fx.router();
        r.update(table(1, app("web.acme", dropping, live)));
        for (int i = 0; i < 4; i++) {
            assertEquals("live", originOf(fx.get(r, "web.acme.localhost", "/")));
        }
        assertTrue(dropped.get() >= 1, "the dropping instance was tried");
    }

    @Test
    void ejectedInstanceReturnsAfterTheEjectionPeriod() {
        int port = Fixture.deadPort();
        int other = fx.echoOrigin("other");
        Router r = fx.router(fx.config().withEjection(300, 1));
        r.update(table(1, app("web.acme", port, other)));
        for (int i = 0; i < 4; i++) {
            assertEquals("other", originOf(fx.get(r, "web.acme.localhost", "/")));
        }
        assertTrue(r.status().stream().anyMatch(s -> s.port() == port && s.ejected()), r.status().toString());

        // The instance comes up on its port; after the ejection period it gets traffic again.
        AtomicInteger served = new AtomicInteger();
        fx.origin(port, req -> {
            served.incrementAndGet();
            req.response().end("{\"origin\":\"back\"}");
        });
        eventually("the instance is back in rotation", () -> {
            HttpResponse<String> resp = fx.get(r, "web.acme.localhost", "/");
            assertEquals(200, resp.statusCode());
            return served.get() > 0;
        });
        assertFalse(r.status().stream().anyMatch(InstanceStatus::ejected), r.status().toString());
    }
}
