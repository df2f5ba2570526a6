package dev.gantry.router.impl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Active health checks: every interval, each instance in the table is probed, by a TCP connect or,
 * when the app has a health check path, an HTTP GET that must answer 2xx or 3xx. A failed probe
 * counts like a failed request (and ejects after the same number of failures); a good probe brings
 * an ejected instance back at once instead of after the ejection period. So an instance that
 * crashed leaves rotation before a client hits it, and one that recovered returns quickly.
 */
final class HealthChecker {

    private final VertxRouter router;
    private final Vertx vertx;
    private final NetClient tcp;
    private final HttpClient http;
    private final long timeoutMillis;
    private final Set<Upstream> inProgress = Collections.newSetFromMap(new IdentityHashMap<>());
    private long timer = -1;

    HealthChecker(VertxRouter router, Vertx vertx, long intervalMillis) {
        this.router = router;
        this.vertx = vertx;
        this.timeoutMillis = Math.max(100, Math.min(router.config().connectTimeoutMillis(), intervalMillis));
        this.tcp = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) timeoutMillis));
        // No keep-alive: a probe should prove the instance accepts new connections.
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false)
                .setConnectTimeout((int) timeoutMillis));
    }

    /** Starts probing; all callbacks run on one event loop context, so the in-progress set needs no lock. */
    void start(long intervalMillis) {
        vertx.runOnContext(v -> timer = vertx.setPeriodic(intervalMillis, t -> round()));
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void round() {
        for (Pool pool : router.routes().pools()) {
            for (Upstream u : pool.upstreams()) {
                if (inProgress.add(u)) { // one probe per instance at a time, even if listed by two apps
                    probe(pool, u).onComplete(ar -> {
                        inProgress.remove(u);
                        if (ar.succeeded()) {
                            u.succeeded();
                        } else {
                            u.failed(System.nanoTime(), router.config().ejectAfterFailures(),
                                    router.config().ejectMillis() * 1_000_000L);
                        }
                    });
                }
            }
        }
    }

    private Future<Void> probe(Pool pool, Upstream u) {
        if (pool.healthCheckPath() == null) {
            return tcp.connect(u.address()).compose(socket -> socket.close());
        }
        return http.request(new RequestOptions().setServer(u.address()).setMethod(HttpMethod.GET)
                        .setHost(pool.defaultHost()).setURI(pool.healthCheckPath()).setIdleTimeout(timeoutMillis))
                .compose(req -> req.send())
                .compose(HealthChecker::healthy);
    }

    private static Future<Void> healthy(HttpClientResponse resp) {
        int status = resp.statusCode();
        return resp.body().compose(body -> status >= 200 && status < 400 ? Future.succeededFuture()
                : Future.failedFuture("health check answered " + status));
    }
}
