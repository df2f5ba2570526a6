package dev.gantry.router.impl;

import io.vertx.core.AsyncResult;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;

import java.util.HashSet;
import java.util.Set;

/**
 * One client request on its way to an instance and back. Lives on one event loop, so its fields
 * need no synchronisation.
 *
 * <p>Retries: a connection that could not be opened means nothing was sent, so any method is
 * retried on another instance. A connection that broke after the request was sent is retried only
 * for an idempotent method without a body (a streamed body is gone and cannot be replayed).
 * A timeout is never retried: the app may still be working on the request.
 *
 * <p>Bodies are streamed with back-pressure in both directions (pause the reader while the writer's
 * queue is full), so memory stays flat whatever the size.
 */
final class ProxyExchange {

    private final VertxRouter router;
    private final HttpClient client;
    private final HttpServerRequest req;
    private final HttpServerResponse resp;
    private final String requestId;
    private final String hostHeader;
    private final boolean hasBody;
    private final boolean idempotent;
    private final boolean upgrade;
    private MultiMap originHeaders;
    private Set<Upstream> tried;
    private Upstream held;
    private HttpClientRequest originReq;
    private Failure lastFailure;
    private boolean bodyStarted;
    private boolean clientGone;
    private boolean originBroken;
    private boolean done;
    private long bodyBytes;
    private long bytesOut;
    private final long startNanos = System.nanoTime();
    private long originNanos = -1;
    private String app;
    private String servedBy;
    private boolean completed;

    ProxyExchange(VertxRouter router, HttpClient client, HttpServerRequest req) {
        this.router = router;
        this.client = client;
        this.req = req;
        this.resp = req.response();
        this.requestId = ProxyHeaders.requestId(req);
        this.hostHeader = hostOf(req);
        String te = req.getHeader(HttpHeaders.TRANSFER_ENCODING);
        String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        this.hasBody = te != null || (cl != null && !cl.equals("0"))
                || (req.version() == io.vertx.core.http.HttpVersion.HTTP_2 && !req.isEnded() && cl == null
                && !isBodylessMethod(req.method()));
        this.idempotent = isIdempotent(req.method());
        this.upgrade = req.version() == io.vertx.core.http.HttpVersion.HTTP_1_1
                && "websocket".equalsIgnoreCase(req.getHeader(HttpHeaders.UPGRADE));
    }

    /** Host header for HTTP/1.1, :authority for HTTP/2 (which has no Host header). */
    static String hostOf(HttpServerRequest req) {
        String host = req.getHeader(HttpHeaders.HOST);
        if (host == null && req.authority() != null) {
            io.vertx.core.net.HostAndPort a = req.authority();
            host = a.port() >= 0 ? a.host() + ":" + a.port() : a.host();
        }
        return host;
    }

    private static boolean isIdempotent(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.TRACE
                || m == HttpMethod.PUT || m == HttpMethod.DELETE;
    }

    private static boolean isBodylessMethod(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS || m == HttpMethod.DELETE;
    }

    void start() {
        if (hasBody) {
            req.pause(); // keep the body in the socket until an instance is connected
        }
        long max = router.config().maxBodyBytes();
        String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (max > 0 && cl != null && parseLength(cl) > max) {
            fail(Failure.BODY_TOO_LARGE, 0, true);
            return;
        }
        if (!req.isSSL() && router.httpsPort() > 0 && !req.path().startsWith("/.well-known/acme-challenge/")) {
            Pool pool = router.routes().lookup(hostHeader);
            if (pool != null && pool.httpsRedirect()) {
                redirectToHttps(pool);
                return;
            }
        }
        resp.closeHandler(v -> clientGone());
        attempt();
    }

    /** 308 keeps the method and body, unlike 301, so a POST is not turned into a GET. */
    private void redirectToHttps(Pool pool) {
        app = pool.app();
        String location = router.httpsLocation(hostHeader, req.uri());
        resp.setStatusCode(308).putHeader(HttpHeaders.LOCATION, location)
                .putHeader(ProxyHeaders.REQUEST_ID, requestId).putHeader(HttpHeaders.CONTENT_LENGTH, "0");
        done = true;
        if (hasBody) {
            req.handler(null);
            req.resume();
        }
        resp.end();
        complete(308, null);
    }

    private static long parseLength(String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Picks an instance from the current table (so a retry follows a pool switch) and connects. */
    private void attempt() {
        long now = System.nanoTime();
        VertxRouter.Pick pick = router.pick(hostHeader, tried, now);
        if (pick == null) {
            fail(Failure.NO_ROUTE, 0, false);
            return;
        }
        Pool pool = pick.pool();
        app = pool.app();
        Upstream u = pick.upstream();
        if (u == null) {
            if (lastFailure != null) {
                fail(lastFailure, 0, bodyStarted);
            } else {
                fail(Failure.NO_INSTANCE, pool.retryAfterSeconds(now), false);
            }
            return;
        }
        held = u;
        servedBy = u.addressText();
        if (originHeaders == null) {
            originHeaders = HttpHeaders.headers();
            ProxyHeaders.forOrigin(req, hostHeader, requestId, originHeaders);
            if (upgrade) {
                // Upgrade is hop-by-hop, but a WebSocket handshake must reach the app to be answered.
                originHeaders.set(HttpHeaders.CONNECTION, "Upgrade");
                originHeaders.set(HttpHeaders.UPGRADE, req.getHeader(HttpHeaders.UPGRADE));
            }
        }
        RequestOptions options = new RequestOptions()
                .setServer(u.address())
                .setMethod(req.method())
                .setURI(req.uri())
                .setHeaders(originHeaders)
                .setIdleTimeout(pool.requestTimeoutMillis());
        client.request(options).onComplete(ar -> {
            if (clientGone) {
                if (ar.succeeded()) {
                    ar.result().reset();
                }
                release();
                return;
            }
            if (ar.failed()) {
                // Nothing was sent: safe to try another instance whatever the method.
                u.failed(System.nanoTime(), router.config().ejectAfterFailures(), ejectNanos());
                lastFailure = Failure.ofOriginError(ar.cause());
                retryElsewhere(u);
            } else {
                forward(u, ar.result());
            }
        });
    }

    private long ejectNanos() {
        return router.config().ejectMillis() * 1_000_000L;
    }

    private void retryElsewhere(Upstream u) {
        release();
        if (tried == null) {
            tried = new HashSet<>(4);
        }
        tried.add(u);
        attempt();
    }

    private void forward(Upstream u, HttpClientRequest creq) {
        originReq = creq;
        if (req.authority() != null) {
            creq.authority(req.authority());
        }
        creq.exceptionHandler(t -> { }); // reported through the response future below
        if (upgrade) {
            // connect() sends the handshake and, on 101, hands over the raw connection.
            creq.connect().onComplete(ar -> {
                if (ar.succeeded() && ar.result().statusCode() == 101 && !done && !clientGone) {
                    tunnel(u, ar.result());
                } else {
                    onOriginResponse(u, ar);
                }
            });
            return;
        }
        creq.response().onComplete(ar -> onOriginResponse(u, ar));
        if (!hasBody) {
            creq.end();
            return;
        }
        bodyStarted = true;
        if (req.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
            creq.setChunked(true);
        }
        long max = router.config().maxBodyBytes();
        req.handler(buf -> {
            if (originBroken || clientGone) {
                return; // the exchange failed; the rest of the body has nowhere to go
            }
            bodyBytes += buf.length();
            if (max > 0 && bodyBytes > max) {
                req.handler(null);
                fail(Failure.BODY_TOO_LARGE, 0, true); // first, so the reset below is not reported as a 502
                creq.reset();
                return;
            }
            creq.write(buf);
            if (creq.writeQueueFull()) {
                req.pause();
                creq.drainHandler(v -> req.resume());
            }
        });
        req.endHandler(v -> {
            if (!originBroken && !clientGone) {
                creq.end();
            }
        });
        req.exceptionHandler(t -> creq.reset());
        if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
            resp.writeContinue();
        }
        req.resume();
    }

    private void onOriginResponse(Upstream u, AsyncResult<HttpClientResponse> ar) {
        if (done || clientGone) {
            release();
            return;
        }
        if (ar.failed()) {
            originBroken = true;
            Failure f = Failure.ofOriginError(ar.cause());
            if (f != Failure.ORIGIN_TIMEOUT) {
                u.failed(System.nanoTime(), router.config().ejectAfterFailures(), ejectNanos());
                if (!bodyStarted && idempotent) {
                    lastFailure = f;
                    retryElsewhere(u);
                    return;
                }
            }
            release();
            fail(f, 0, bodyStarted && !req.isEnded());
            return;
        }
        u.succeeded();
        originNanos = System.nanoTime() - startNanos;
        HttpClientResponse cr = ar.result();
        resp.setStatusCode(cr.statusCode());
        resp.setStatusMessage(cr.statusMessage());
        ProxyHeaders.copyEndToEnd(cr.headers(), resp.headers());
        if (!resp.headers().contains(ProxyHeaders.REQUEST_ID)) {
            resp.headers().set(ProxyHeaders.REQUEST_ID, requestId);
        }
        int status = cr.statusCode();
        boolean bodyAllowed = req.method() != HttpMethod.HEAD && status >= 200 && status != 204 && status != 304;
        if (bodyAllowed && !cr.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            resp.setChunked(true);
        }
        cr.handler(buf -> {
            if (clientGone) {
                return;
            }
            bytesOut += buf.length();
            resp.write(buf);
            if (resp.writeQueueFull()) {
                cr.pause();
                resp.drainHandler(v -> cr.resume());
            }
        });
        cr.exceptionHandler(t -> {
            // The response is under way: the status is gone, all we can do is cut the client off.
            originBroken = true;
            done = true;
            release();
            resp.reset();
            complete(status, Failure.ORIGIN_RESET);
        });
        cr.endHandler(v -> {
            done = true;
            release();
            if (!clientGone) {
                resp.end();
            }
            complete(status, null);
        });
    }

    /**
     * Joins the client and the instance after a 101 answer: from here on bytes flow both ways
     * untouched, and the request counts as in flight (so draining waits) until either side closes.
     */
    private void tunnel(Upstream u, HttpClientResponse cr) {
        u.succeeded();
        done = true;
        io.vertx.core.net.NetSocket origin = cr.netSocket();
        resp.setStatusCode(101);
        ProxyHeaders.copyEndToEnd(cr.headers(), resp.headers());
        resp.headers().set(HttpHeaders.CONNECTION, "Upgrade");
        resp.headers().set(HttpHeaders.UPGRADE, cr.getHeader(HttpHeaders.UPGRADE));
        origin.pause();
        req.toNetSocket().onComplete(ar -> {
            if (ar.failed()) {
                origin.close();
                release();
                return;
            }
            io.vertx.core.net.NetSocket client = ar.result();
            client.closeHandler(v -> {
                origin.close();
                release();
                complete(101, null);
            });
            origin.closeHandler(v -> {
                client.close();
                release();
                complete(101, null);
            });
            client.pipeTo(origin);
            origin.pipeTo(client);
        });
    }

    private void clientGone() {
        if (done) {
            return;
        }
        clientGone = true;
        done = true;
        if (originReq != null) {
            originReq.reset();
        }
        release();
        complete(499, null); // nginx's "client closed request"
    }

    private void release() {
        Upstream u = held;
        if (u != null) {
            held = null;
            router.registry().ended(u);
        }
    }

    /**
     * Answers with the router's own error page. {@code closeAfter} closes the client connection
     * when part of the request body is still unread, since the next request could not be framed.
     */
    private void fail(Failure failure, long retryAfterSeconds, boolean closeAfter) {
        done = true;
        release();
        complete(failure.status, failure);
        if (resp.headWritten() || resp.closed()) {
            resp.reset();
            return;
        }
        boolean http2 = req.version() == io.vertx.core.http.HttpVersion.HTTP_2;
        ErrorPage.send(resp, failure, requestId, retryAfterSeconds, req.method() == HttpMethod.HEAD,
                closeAfter && !http2);
        if (hasBody && !bodyStarted && !closeAfter) {
            // The body was never read: discard it so the connection can carry the next request.
            req.handler(null);
            req.resume();
        }
        if (closeAfter && http2) {
            // One stream of a shared connection: drop the rest of its body, keep the connection.
            req.handler(buf -> { });
            req.resume();
        } else if (closeAfter) {
            lingerThenClose();
        }
    }

    /** How long the rest of an unwanted body is read and dropped before the connection is closed. */
    private static final long LINGER_MILLIS = 5_000;

    /**
     * Closes the connection once the client has finished sending (or after {@link #LINGER_MILLIS}).
     * Closing at once, with the client's body still arriving, makes the kernel answer with a reset
     * that can destroy the error page before the client reads it (what nginx's lingering_close avoids).
     */
    private void lingerThenClose() {
        io.vertx.core.http.HttpConnection conn = req.connection();
        if (req.isEnded()) {
            conn.close();
            return;
        }
        io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
        long timer = ctx == null ? -1 : ctx.owner().setTimer(LINGER_MILLIS, t -> conn.close());
        req.handler(buf -> { });
        req.exceptionHandler(t -> conn.close());
        req.endHandler(v -> {
            if (timer >= 0) {
                ctx.owner().cancelTimer(timer);
            }
            conn.close();
        });
        req.resume();
    }

    /** Once per request: metrics and the access log line. */
    private void complete(int status, Failure failure) {
        if (completed) {
            return;
        }
        completed = true;
        long total = System.nanoTime() - startNanos;
        router.metrics().record(app, status, total, failure);
        AccessLog log = router.accessLog();
        if (log != null) {
            log.request(requestId, app, hostHeader, req.method().name(), req.path(), status, failure, servedBy,
                    bodyBytes, bytesOut, originNanos, total,
                    req.remoteAddress() == null ? null : req.remoteAddress().hostAddress());
        }
    }
}
