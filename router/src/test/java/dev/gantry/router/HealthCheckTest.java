package dev.gantry.router;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gantry.router.Fixture.app;
import static dev.gantry.router.Fixture.eventually;
import static dev.gantry.router.Fixture.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Active health checks eject dead instances before any client hits them and bring them back early. */
class HealthCheckTest {

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

    boolean ejected(Router r, int port) {
        return r.status().stream().anyMatch(s -> s.port() == port && s.ejected());
    }

    @Test
    void tcpCheckEjectsWithoutTrafficAndReturnsTheInstanceWhenItListens() {
        int port = Fixture.deadPort();
        int other = fx.echoOrigin("other");
        // A minute of ejection: only the active check can bring the instance back within the test.
        Router r = fx.router(fx.config().withHealthIntervalMillis(100).withEjection(60_000, 1));
        r.update(table(1, app("web.acme", port, other)));
        eventually("the dead instance is ejected without any request", () -> ejected(r, port));

        AtomicInteger served = new AtomicInteger();
        fx.origin(port, req -> {
            served.incrementAndGet();
            req.response().end("{\"origin\":\"back\"}");
        });
        eventually("the check returns the instance", () -> !ejected(r, port));
        for (int i = 0; i < 4; i++) {
            assertEquals(200, fx.get(r, "web.acme.localhost", "/").statusCode());
        }
        assertTrue(served.get() >= 1, "the returned instance gets traffic");
    }

    @Test
    void httpCheckUsesTheAppsPathAndStatus() {
        AtomicBoolean sick = new AtomicBoolean(true);
        AtomicInteger probes = new AtomicInteger();
        int port = fx.origin(req -> {
            if (req.path().equals("/health")) {
                probes.incrementAndGet();
                req.response().setStatusCode(sick.get() ? 500 : 200).end();
            } else {
                req.response().end("{\"origin\":\"app\"}");
            }
        });
        Router r = fx.router(fx.config().withHealthIntervalMillis(100).withEjection(60_000, 1));
        r.update(table(1, app("web.acme", List.of(), new RouteOptions(Balancer.ROUND_ROBIN, 0, "/health"), port)));
        eventually("a 500 from /health ejects the instance although it accepts connections", () -> ejected(r, port));
        assertEquals(503, fx.get(r, "web.acme.localhost", "/").statusCode());
        sick.set(false);
        eventually("a 200 from /health returns it", () -> !ejected(r, port));
        assertEquals(200, fx.get(r, "web.acme.localhost", "/").statusCode());
        assertTrue(probes.get() >= 2);
    }
}
