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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gantry.router.Fixture.app;
import static dev.gantry.router.Fixture.eventually;
import static dev.gantry.router.Fixture.originOf;
import static dev.gantry.router.Fixture.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A deploy as the reconciler does it: new instances join, the pool switches, old instances drain
 * and are stopped once the router says nothing is in flight on them.
 */
class DrainingTest {

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

    /** An origin that answers with its name after a few milliseconds, so requests overlap the switch. */
    int slowishOrigin(String name, AtomicInteger served) {
        return fx.origin(req -> fx.vertx.setTimer(3, t -> {
            served.incrementAndGet();
            req.response().end("{\"origin\":\"" + name + "\"}");
        }));
    }

    @Test
    void poolSwitchUnderLoadFailsNoRequest() throws Exception {
        AtomicInteger servedOld = new AtomicInteger();
        AtomicInteger servedNew = new AtomicInteger();
        int old1 = slowishOrigin("old", servedOld);
        int old2 = slowishOrigin("old", servedOld);
        Router r = fx.router();
        r.update(table(1, app("web.acme", old1, old2)));

        int clients = 4;
        int perClient = 150;
        CountDownLatch warm = new CountDownLatch(clients * 20);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentHashMap<String, AtomicInteger> byOrigin = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                loops.add(pool.submit(() -> {
                    for (int i = 0; i < perClient; i++) {
                        try {
                            HttpResponse<String> resp = fx.get(r, "web.acme.localhost", "/");
                            if (resp.statusCode() != 200) {
                                failures.add(resp.statusCode() + " " + resp.body());
                            } else {
                                byOrigin.computeIfAbsent(originOf(resp), k -> new AtomicInteger()).incrementAndGet();
                            }
                        } catch (Throwable t) {
                            failures.add(t.toString());
                        }
                        warm.countDown();
                    }
                }));
            }
            assertTrue(warm.await(60, TimeUnit.SECONDS), "load loop warmed up");

            // Deploy: new instances, switch, wait for the old ones to drain, stop them.
            int new1 = slowishOrigin("new", servedNew);
            int new2 = slowishOrigin("new", servedNew);
            r.update(table(2, app("web.acme", new1, new2)));
            eventually("old instances drained", () -> r.status().stream()
                    .noneMatch(s -> s.port() == old1 || s.port() == old2));
            fx.closeOrigin(old1);
            fx.closeOrigin(old2);

            for (Future<?> f : loops) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), List.copyOf(failures), "no request failed during the switch");
        assertEquals(clients * perClient, byOrigin.values().stream().mapToInt(AtomicInteger::get).sum());
        assertTrue(byOrigin.containsKey("old") && byOrigin.containsKey("new"),
                "traffic went to both generations: " + byOrigin);
    }

    @Test
    void inFlightRequestFinishesOnTheInstanceThatLeftThePool() {
        ConcurrentLinkedQueue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
        int old = fx.origin(held::add);
        int next = fx.echoOrigin("new");
        Router r = fx.router();
        r.update(table(1, app("web.acme", old)));

        CompletableFuture<HttpResponse<String>> slow = fx.http.sendAsync(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + r.httpPort() + "/slow"))
                .timeout(Duration.ofSeconds(30)).header("Host", "web.acme.localhost").build(),
                HttpResponse.BodyHandlers.ofString());
        eventually("the slow request reached the old instance", () -> !held.isEmpty());

        r.update(table(2, app("web.acme", next)));
        InstanceStatus draining = r.status().stream().filter(s -> s.port() == old).findFirst().orElseThrow();
        assertTrue(draining.draining(), draining.toString());
        assertEquals(1, draining.inFlight());
        assertEquals("new", originOf(fx.get(r, "web.acme.localhost", "/")), "new requests go to the new pool");

        held.forEach(req -> req.response().end("{\"origin\":\"old\"}"));
        HttpResponse<String> finished = slow.join();
        assertEquals(200, finished.statusCode());
        assertEquals("old", originOf(finished));
        eventually("the drained instance is forgotten", () -> r.status().stream().noneMatch(s -> s.port() == old));
    }
}
