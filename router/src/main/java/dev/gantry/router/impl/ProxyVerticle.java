package dev.gantry.router.impl;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;

/**
 * The public listener on one event loop, with that loop's own pool of origin connections.
 * The router deploys one per event loop on the same port; Vert.x spreads accepted connections
 * over them, so no request ever hops threads.
 */
final class ProxyVerticle extends AbstractVerticle {

    /** Client keep-alive idle time, like nginx's keepalive_timeout default. */
    private static final int CLIENT_IDLE_SECONDS = 75;

    private final VertxRouter router;
    private final int port;
    private HttpServer server;
    private HttpClient client;

    ProxyVerticle(VertxRouter router, int port) {
        this.router = router;
        this.port = port;
    }

    int actualPort() {
        return server.actualPort();
    }

    @Override
    public void start(Promise<Void> started) {
        var cfg = router.config();
        client = vertx.createHttpClient(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setKeepAliveTimeout(cfg.originKeepAliveSeconds())
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, cfg.connectTimeoutMillis()))
                        .setTcpNoDelay(true)
                        .setDecompressionSupported(false)
                        .setTryUseCompression(false)
                        .setMaxHeaderSize(64 * 1024),
                new PoolOptions().setHttp1MaxSize(cfg.maxConnectionsPerOrigin()));
        server = vertx.createHttpServer(new HttpServerOptions()
                .setHost(cfg.bindHost())
                .setPort(port)
                .setMaxHeaderSize(cfg.maxHeaderBytes())
                .setMaxInitialLineLength(Math.max(4096, cfg.maxHeaderBytes()))
                .setIdleTimeout(CLIENT_IDLE_SECONDS)
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setHandle100ContinueAutomatically(false));
        server.requestHandler(req -> new ProxyExchange(router, client, req).start());
        server.listen().<Void>mapEmpty().onComplete(started);
    }

    @Override
    public void stop(Promise<Void> stopped) {
        server.close().eventually(v -> client.close()).onComplete(stopped);
    }
}
