package dev.gantry.router;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Real origin servers and real routers on random loopback ports, all closed by {@link #close()}
 * (called from @AfterEach, so also after a failed test).
 */
final class Fixture implements AutoCloseable {

    final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final List<HttpServer> origins = new ArrayList<>();
    private final List<Router> routers = new ArrayList<>();
    private final Path stateDir;

    Fixture(Path stateDir) {
        this.stateDir = stateDir;
    }

    RouterConfig config() {
        return RouterConfig.defaults(stateDir).withBindHost("127.0.0.1").withPorts(0, -1, 0).withAccessLog("off").withHealthIntervalMillis(0);
    }

    Router router(RouterConfig config) {
        Router r = Router.create(config);
        routers.add(r);
        r.start();
        return r;
    }

    Router router() {
        return router(config());
    }

    /** Starts an origin on a random loopback port (or {@code port} if not 0) and returns the port. */
    int origin(int port, Handler<HttpServerRequest> handler) {
        HttpServer s = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .requestHandler(handler);
        origins.add(s);
        return await(s.listen()).actualPort();
    }

    int origin(Handler<HttpServerRequest> handler) {
        return origin(0, handler);
    }

    /** An origin that answers with its name and the request headers it saw, as JSON. */
    int echoOrigin(String name) {
        return origin(req -> req.body().onSuccess(body -> {
            JsonObject headers = new JsonObject();
            req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
            req.response().putHeader("content-type", "application/json")
                    .end(new JsonObject().put("origin", name).put("method", req.method().name())
                            .put("uri", req.uri()).put("body", body.toString()).put("headers", headers).encode());
        }));
    }

    void closeOrigin(int port) {
        for (HttpServer s : List.copyOf(origins)) {
            if (s.actualPort() == port) {
                await(s.close());
                origins.remove(s);
            }
        }
    }

    static <T> T await(io.vertx.core.Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("vert.x operation failed", e);
        }
    }

    /** A loopback port nothing listens on (bound then released). */
    static int deadPort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static RouteTable table(long version, AppRoute... apps) {
        return new RouteTable(version, List.of(apps));
    }

    static AppRoute app(String key, List<String> hostnames, RouteOptions options, int... ports) {
        List<Instance> instances = new ArrayList<>();
        for (int p : ports) {
            instances.add(new Instance("127.0.0.1", p));
        }
        return new AppRoute(key, hostnames, instances, options);
    }

    static AppRoute app(String key, int... ports) {
        return app(key, List.of(), RouteOptions.DEFAULTS, ports);
    }

    HttpResponse<String> get(Router router, String host, String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.httpPort() + path))
                .timeout(Duration.ofSeconds(30)).header("Host", host);
        headers.forEach(b::header);
        return send(b.GET().build());
    }

    HttpResponse<String> get(Router router, String host, String path) {
        return get(router, host, path, Map.of());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + request, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String originOf(HttpResponse<String> r) {
        return new JsonObject(r.body()).getString("origin");
    }

    /** Polls until {@code condition} holds; fails after a generous timeout (the machine is noisy). */
    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Netty reports a pooled buffer that was garbage-collected without being released (the pom
     * turns leak detection to paranoid for the tests). Reports arrive late, after a GC, so a leak
     * may fail a later test than the one that caused it; the report's access records name the code.
     */
    private static final List<String> LEAKS = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Held strongly: java.util.logging forgets an unreferenced logger, and its handler with it. */
    private static final java.util.logging.Logger LEAK_LOGGER =
            java.util.logging.Logger.getLogger("io.netty.util.ResourceLeakDetector");

    static {
        LEAK_LOGGER.addHandler(new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                String message = record.getMessage();
                if (message != null && message.contains("LEAK")) {
                    LEAKS.add(message);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public void close() {
        if (!LEAKS.isEmpty()) {
            throw new AssertionError("Netty buffers leaked (not released before GC): " + LEAKS);
        }
        RuntimeException first = null;
        for (Router r : routers) {
            try {
                r.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            first = first == null ? new RuntimeException(e) : first;
        }
        if (first != null) {
            throw first;
        }
    }
}
