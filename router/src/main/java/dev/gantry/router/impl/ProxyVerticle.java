package dev.gantry.router.impl;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;

/**
 * The HTTPS listener (HTTP/1.1 and HTTP/2) on one event loop, with that loop's own pool of origin
 * connections. The router deploys one per event loop on the same port; Vert.x spreads accepted
 * connections over them, so no request ever hops threads. (Plain HTTP is {@link WireServer}.)
 */
final class ProxyVerticle extends AbstractVerticle {

    /** Client keep-alive idle time, like nginx's keepalive_timeout default. */
    private static final int CLIENT_IDLE_SECONDS = 75;

    private final VertxRouter router;
    private final int httpsPort;
    private final io.vertx.core.net.PemKeyCertOptions certificates;
    private HttpServer tlsServer;
    private HttpClient client;

    ProxyVerticle(VertxRouter router, int httpsPort, io.vertx.core.net.PemKeyCertOptions certificates) {
        this.router = router;
        this.httpsPort = httpsPort;
        this.certificates = certificates;
    }

    /** Swaps the served certificates on the live listener; open connections keep theirs. */
    io.vertx.core.Future<Boolean> updateCertificates(io.vertx.core.net.PemKeyCertOptions pem) {
        // force: the options name the same files as before, only their content changed
        return tlsServer.updateSSLOptions(new io.vertx.core.net.SSLOptions().setKeyCertOptions(pem).setUseAlpn(true),
                true);
    }

    int actualHttpsPort() {
        return tlsServer.actualPort();
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
        HttpServerOptions options = new HttpServerOptions()
                .setHost(cfg.bindHost())
                .setMaxHeaderSize(cfg.maxHeaderBytes())
                .setMaxInitialLineLength(Math.max(4096, cfg.maxHeaderBytes()))
                .setIdleTimeout(CLIENT_IDLE_SECONDS)
                .setTcpNoDelay(true)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setHandle100ContinueAutomatically(false);
        // TLS: SNI picks the certificate per hostname; ALPN offers HTTP/2 and HTTP/1.1.
        tlsServer = vertx.createHttpServer(new HttpServerOptions(options).setPort(httpsPort)
                .setSsl(true).setSni(true).setUseAlpn(true).setKeyCertOptions(certificates));
        tlsServer.requestHandler(req -> new ProxyExchange(router, client, req).start());
        tlsServer.connectionHandler(this::countConnection);
        tlsServer.listen().<Void>mapEmpty().onComplete(started);
    }

    private void countConnection(io.vertx.core.http.HttpConnection conn) {
        router.metrics().openConnections.increment();
        conn.closeHandler(v -> router.metrics().openConnections.decrement());
    }

    @Override
    public void stop(Promise<Void> stopped) {
        tlsServer.close().eventually(v -> client.close()).onComplete(stopped);
    }
}
