package dev.gantry.router.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * One request on the plain-HTTP port, on its way to an instance and back, as bytes: the request
 * head is rewritten once (hop-by-hop headers out, forwarding headers in), bodies pass through as
 * the buffers they arrived in, with {@link BodyFraming} telling where each message ends. Lives on
 * one event loop, so its fields need no synchronisation.
 *
 * <p>The same rules as {@link ProxyExchange} (the HTTPS path): a connection that could not be
 * opened means nothing was sent, so any method is retried on another instance; a connection that
 * broke before a response is retried only for an idempotent method without a body; a timeout is
 * never retried. Back-pressure both ways: a side whose peer cannot take more bytes stops reading.
 */
final class WireExchange {

    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};
    /** Largest response head accepted from an app. */
    private static final int MAX_RESPONSE_HEAD = 64 * 1024;

    private final WireClient client;
    private final VertxRouter router;
    private final long startNanos = System.nanoTime();
    private final String method;
    private final String path;
    private final String target;
    private final String host;
    private final String requestId;
    private final boolean headRequest;
    private final boolean idempotent;
    private final boolean hasBody;
    private final boolean upgrade;
    private final boolean expectContinue;
    /** The client asked to close after this request (Connection: close, or HTTP/1.0). */
    private final boolean clientClose;
    private final long contentLength;
    private final BodyFraming requestFraming = new BodyFraming();
    /** Kept for a retry; released when the exchange ends, however it ends ({@link #releaseBuffers()}). */
    private ByteBuf originHead;

    private Set<Upstream> tried;
    private Upstream held;
    private OriginConnection origin;
    private Failure lastFailure;
    private ByteBuf heldBody;
    private boolean bodySent;
    private boolean discardBody;
    private long bodyBytes;

    private ByteBuf responsePending;
    private final BodyFraming responseFraming = new BodyFraming();
    private boolean responseStarted;
    private boolean responseDone;
    private boolean chunkWrap;
    private boolean originReusable;
    private boolean closeAfter;
    private boolean tunnelling;
    private boolean done;
    private boolean completed;
    private int status;
    private long bytesOut;
    private long originNanos = -1;
    private String app;
    private String servedBy;

    /** Reads what it needs from the head, which is only valid during this call. */
    WireExchange(WireClient client, HttpHead head, int headStart, int headEnd) {
        this.client = client;
        this.router = client.server.router();
        this.method = head.method;
        this.target = head.target;
        this.path = head.path();
        this.host = head.host;
        this.requestId = ProxyHeaders.requestId(head.requestId);
        this.headRequest = method.equals("HEAD");
        this.idempotent = switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
        this.upgrade = head.minorVersion == 1 && head.connectionUpgrade && head.upgrade != null
                && head.upgrade.equalsIgnoreCase("websocket");
        this.expectContinue = head.expectContinue;
        this.clientClose = head.connectionClose || (head.minorVersion == 0 && !head.connectionKeepAlive) || upgrade;
        requestFraming.reset(head, true);
        this.hasBody = !requestFraming.done();
        this.contentLength = head.contentLength;
        this.originHead = originHead(head, headStart, headEnd);
    }

    /** The request head as instances get it: end-to-end headers as received, plus the router's own. */
    private ByteBuf originHead(HttpHead head, int headStart, int headEnd) {
        ByteBuf out = client.channel.alloc().directBuffer(headEnd - headStart + 256);
        head.copyFirstLine(out, headStart);
        for (int f = 0; f < head.fieldCount(); f++) {
            if (head.isHopByHop(f) || head.nameIs(f, "expect") || head.nameIs(f, "via")
                    || head.nameIs(f, "x-request-id") || head.nameIs(f, "x-forwarded-for")
                    || head.nameIs(f, "x-forwarded-proto") || head.nameIs(f, "x-forwarded-port")
                    || head.nameIs(f, "x-forwarded-host")) {
                continue;
            }
            head.copyField(f, out);
        }
        if (head.chunked) {
            header(out, "Transfer-Encoding", "chunked");
        }
        if (upgrade) {
            // Upgrade is hop-by-hop, but a WebSocket handshake must reach the app to be answered.
            header(out, "Connection", "Upgrade");
            header(out, "Upgrade", head.upgrade);
        }
        String clientIp = client.clientIp;
        String prior = head.forwardedFor;
        header(out, "X-Forwarded-For", prior == null || prior.isBlank() ? clientIp : prior + ", " + clientIp);
        header(out, "X-Forwarded-Proto", "http");
        header(out, "X-Forwarded-Port", client.localPort);
        if (host != null) {
            header(out, "X-Forwarded-Host", host);
        }
        header(out, ProxyHeaders.REQUEST_ID, requestId);
        header(out, "Via", head.via == null ? ProxyHeaders.VIA_VALUE : head.via + ", " + ProxyHeaders.VIA_VALUE);
        out.writeBytes(CRLF);
        return out;
    }

    private static void header(ByteBuf out, String name, String value) {
        out.writeCharSequence(name, StandardCharsets.US_ASCII);
        out.writeByte(':').writeByte(' ');
        out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
        out.writeBytes(CRLF);
    }

    boolean tunnelling() {
        return tunnelling;
    }

    boolean requestDone() {
        return requestFraming.done();
    }

    void start() {
        long max = router.config().maxBodyBytes();
        if (max > 0 && contentLength > max) {
            fail(Failure.BODY_TOO_LARGE, 0, true);
            return;
        }
        if (router.httpsPort() > 0 && !path.startsWith("/.well-known/acme-challenge/")) {
            Pool pool = router.routes().lookup(host);
            if (pool != null && pool.httpsRedirect()) {
                redirectToHttps(pool);
                return;
            }
        }
        attempt();
    }

    /** 308 keeps the method and body, unlike 301, so a POST is not turned into a GET. */
    private void redirectToHttps(Pool pool) {
        app = pool.app();
        String location = router.httpsLocation(host, target);
        String response = "HTTP/1.1 308 Permanent Redirect\r\nLocation: " + location + "\r\n"
                + ProxyHeaders.REQUEST_ID + ": " + requestId + "\r\nContent-Length: 0\r\n"
                + (clientClose ? "Connection: close\r\n" : "") + "\r\n";
        done = true;
        responseStarted = true;
        status = 308;
        client.channel.writeAndFlush(ByteBufUtil.writeAscii(client.channel.alloc(), response));
        complete(308, null);
        responseFinished();
    }

    /** Picks an instance from the current table (so a retry follows a pool switch) and connects. */
    private void attempt() {
        long now = System.nanoTime();
        VertxRouter.Pick pick = router.pick(host, tried, now);
        if (pick == null) {
            fail(Failure.NO_ROUTE, 0, false);
            return;
        }
        Pool pool = pick.pool();
        app = pool.app();
        Upstream u = pick.upstream();
        if (u == null) {
            if (lastFailure != null) {
                fail(lastFailure, 0, bodySent && !requestFraming.done());
            } else {
                fail(Failure.NO_INSTANCE, pool.retryAfterSeconds(now), false);
            }
            return;
        }
        held = u;
        servedBy = u.addressText();
        long timeout = pool.requestTimeoutMillis();
        EventLoop loop = client.channel.eventLoop();
        OriginConnection pooled = client.server.pool(loop).poll(u);
        if (pooled != null) {
            connected(pooled, timeout);
            return;
        }
        OriginConnection conn = new OriginConnection(u);
        client.pause(WireClient.PAUSE_CONNECT);
        client.server.connect(loop, conn).addListener(f -> {
            ChannelFuture cf = (ChannelFuture) f;
            if (done) {
                cf.channel().close(); // the client left, or the exchange failed, while connecting
                return;
            }
            client.resume(WireClient.PAUSE_CONNECT);
            if (!cf.isSuccess()) {
                // Nothing was sent: safe to try another instance whatever the method.
                u.failed(System.nanoTime(), router.config().ejectAfterFailures(), ejectNanos());
                lastFailure = Failure.ofOriginError(cf.cause());
                retryElsewhere(u);
                return;
            }
            connected(conn, timeout);
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

    private void connected(OriginConnection c, long timeoutMillis) {
        origin = c;
        c.attach(this, timeoutMillis);
        toOrigin(c, originHead.retainedDuplicate());
        if (heldBody != null) {
            toOrigin(c, heldBody);
            heldBody = null;
            bodySent = true;
        }
        c.channel.flush();
        if (expectContinue && !requestFraming.done()) {
            client.channel.writeAndFlush(client.channel.alloc().buffer(CONTINUE.length).writeBytes(CONTINUE));
        }
        if (!c.channel.isWritable()) {
            client.pause(WireClient.PAUSE_BACKPRESSURE);
        }
    }

    /** Request body bytes at the reader index of {@code in}; consumes those that belong to this request. */
    void requestBody(ByteBuf in) {
        int r = in.readerIndex();
        int n;
        try {
            n = requestFraming.consume(in, r, in.writerIndex());
        } catch (HttpHead.BadMessage e) {
            in.skipBytes(in.readableBytes());
            fail(Failure.BAD_REQUEST, 0, true);
            return;
        }
        if (!discardBody && !done) {
            bodyBytes += n;
            long max = router.config().maxBodyBytes();
            if (max > 0 && bodyBytes > max) {
                in.skipBytes(in.readableBytes());
                fail(Failure.BODY_TOO_LARGE, 0, true);
                return;
            }
            ByteBuf slice = in.retainedSlice(r, n);
            if (origin != null) {
                toOrigin(origin, slice);
                origin.touch();
                bodySent = true;
                if (!origin.channel.isWritable()) {
                    client.pause(WireClient.PAUSE_BACKPRESSURE);
                }
            } else {
                heldBody = heldBody == null ? slice
                        : ByteToMessageDecoder.COMPOSITE_CUMULATOR.cumulate(client.channel.alloc(), heldBody, slice);
            }
        }
        in.skipBytes(n);
        if (requestFraming.done() && responseDone) {
            finish();
        }
    }

    void flushOrigin() {
        if (origin != null) {
            origin.channel.flush();
        }
    }

    void flushClient() {
        client.channel.flush();
    }

    void originWritable() {
        client.resume(WireClient.PAUSE_BACKPRESSURE);
    }

    void clientWritable() {
        if (origin != null && !origin.channel.config().isAutoRead()) {
            origin.channel.config().setAutoRead(true);
        }
    }

    /** Response bytes from the instance. */
    void originBytes(OriginConnection c, ByteBuf in) {
        if (tunnelling) {
            writeToClient(c, in);
            return;
        }
        if (responsePending != null) {
            in = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(client.channel.alloc(), responsePending, in);
            responsePending = null;
        }
        try {
            while (in.isReadable() && origin == c) {
                if (!responseStarted) {
                    int start = in.readerIndex();
                    int end = HttpHead.findEnd(in, start, start, in.writerIndex());
                    if (end < 0) {
                        if (in.readableBytes() > MAX_RESPONSE_HEAD) {
                            throw new HttpHead.BadMessage(502, "response head too large");
                        }
                        responsePending = in.retain();
                        return;
                    }
                    HttpHead h = c.head.parseResponse(in, start, end);
                    in.readerIndex(end);
                    if (h.status == 101) {
                        if (!upgrade) {
                            throw new HttpHead.BadMessage(502, "101 without an upgrade request");
                        }
                        startTunnel(c, h, start, in);
                        return;
                    }
                    if (h.status < 200) {
                        interim(h, start);
                        continue;
                    }
                    beginResponse(c, h, start);
                } else {
                    int r = in.readerIndex();
                    int n = responseFraming.consume(in, r, in.writerIndex());
                    if (n > 0) {
                        writeBody(c, in.retainedSlice(r, n));
                        in.skipBytes(n);
                    }
                    if (responseFraming.done()) {
                        if (in.isReadable()) {
                            originReusable = false; // bytes after the response: the app is confused
                        }
                        responseEnded(c);
                        return;
                    }
                }
            }
        } catch (HttpHead.BadMessage e) {
            originBroke(c, Failure.ORIGIN_RESET);
        } finally {
            in.release();
        }
    }

    /** 1xx answers other than 101 (103 Early Hints, say) go to the client, and the real answer follows. */
    private void interim(HttpHead h, int start) {
        if (h.status == 100) {
            return; // the router answered Expect itself
        }
        ByteBuf out = client.channel.alloc().directBuffer(256);
        h.copyStatusLineAs11(out, start);
        for (int f = 0; f < h.fieldCount(); f++) {
            if (!h.isHopByHop(f)) {
                h.copyField(f, out);
            }
        }
        out.writeBytes(CRLF);
        toClient(out);
    }

    private void beginResponse(OriginConnection c, HttpHead h, int start) {
        held.succeeded();
        originNanos = System.nanoTime() - startNanos;
        status = h.status;
        boolean bodyAllowed = !headRequest && status >= 200 && status != 204 && status != 304;
        responseFraming.reset(h, bodyAllowed);
        originReusable = (h.minorVersion == 1 ? !h.connectionClose : h.connectionKeepAlive)
                && !responseFraming.untilClose() && !clientClose;
        chunkWrap = responseFraming.untilClose() && !clientClose;
        closeAfter = clientClose;
        ByteBuf out = client.channel.alloc().directBuffer(512);
        h.copyStatusLineAs11(out, start);
        boolean sawRequestId = false;
        for (int f = 0; f < h.fieldCount(); f++) {
            if (h.isHopByHop(f) || (h.chunked && h.nameIs(f, "content-length"))) {
                continue;
            }
            if (!sawRequestId && h.nameIs(f, "x-request-id")) {
                sawRequestId = true;
            }
            h.copyField(f, out);
        }
        if (h.chunked || chunkWrap) {
            header(out, "Transfer-Encoding", "chunked");
        }
        if (!sawRequestId) {
            header(out, ProxyHeaders.REQUEST_ID, requestId);
        }
        if (closeAfter) {
            header(out, "Connection", "close");
        }
        out.writeBytes(CRLF);
        responseStarted = true;
        toClient(out);
        if (responseFraming.done()) {
            responseEnded(c);
        }
    }

    private void writeBody(OriginConnection c, ByteBuf slice) {
        int n = slice.readableBytes();
        bytesOut += n;
        if (chunkWrap) {
            ByteBuf size = client.channel.alloc().directBuffer(12);
            size.writeCharSequence(Integer.toHexString(n), StandardCharsets.US_ASCII);
            size.writeBytes(CRLF);
            toClient(size);
            toClient(slice);
            toClient(client.channel.alloc().directBuffer(2).writeBytes(CRLF));
        } else {
            toClient(slice);
        }
        if (!client.channel.isWritable()) {
            c.channel.config().setAutoRead(false);
        }
    }

    private void writeToClient(OriginConnection c, ByteBuf in) {
        bytesOut += in.readableBytes();
        toClient(in);
        if (!client.channel.isWritable()) {
            c.channel.config().setAutoRead(false);
        }
    }

    /** The whole response went to the client. */
    private void responseEnded(OriginConnection c) {
        if (chunkWrap) {
            toClient(client.channel.alloc().directBuffer(LAST_CHUNK.length).writeBytes(LAST_CHUNK));
        }
        client.channel.flush();
        done = true;
        origin = null;
        if (originReusable && requestFraming.done() && !discardBody) {
            c.detachToPool(client.server.pool(c.channel.eventLoop()));
        } else {
            c.detachAndClose();
        }
        release();
        complete(status, null);
        responseFinished();
    }

    /** The response side is over: finish now, or once the rest of the request body has been read. */
    private void responseFinished() {
        responseDone = true;
        releaseHeldBody();
        if (requestFraming.done()) {
            finish();
        } else {
            discardBody = true; // the app answered before reading it all; drop the rest, keep the connection
            client.resume(WireClient.PAUSE_BACKPRESSURE | WireClient.PAUSE_CONNECT);
        }
    }

    private void finish() {
        releaseBuffers();
        client.exchangeDone(this, closeAfter);
    }

    /** The instance closed its connection. */
    void originClosed(OriginConnection c) {
        if (tunnelling) {
            client.channel.close();
            release();
            complete(101, null);
            return;
        }
        if (origin != c || done) {
            return;
        }
        origin = null;
        if (responseStarted && responseFraming.untilClose()) {
            closeAfter |= !chunkWrap;
            responseEnded(c); // a response framed by the connection's end: this is its end
            return;
        }
        originBroke(c, Failure.ORIGIN_RESET);
    }

    /** The connection to the instance failed before the response was complete. */
    private void originBroke(OriginConnection c, Failure f) {
        origin = null;
        dropResponsePending(); // a partial head from this connection must not precede a retry's answer
        c.detachAndClose();
        if (done) {
            return;
        }
        if (responseStarted) {
            // The response is under way: the status is gone, all we can do is cut the client off.
            done = true;
            release();
            complete(status, f);
            client.channel.close();
            return;
        }
        held.failed(System.nanoTime(), router.config().ejectAfterFailures(), ejectNanos());
        if (!hasBody && idempotent) {
            lastFailure = f;
            retryElsewhere(held);
            return;
        }
        fail(f, 0, !requestFraming.done());
    }

    /** The instance was silent for longer than the app's request timeout. Never retried. */
    void originTimedOut(OriginConnection c) {
        if (origin != c || done) {
            return;
        }
        origin = null;
        dropResponsePending();
        c.detachAndClose();
        if (responseStarted) {
            done = true;
            release();
            complete(status, Failure.ORIGIN_TIMEOUT);
            client.channel.close();
            return;
        }
        fail(Failure.ORIGIN_TIMEOUT, 0, !requestFraming.done());
    }

    /** The client closed its connection. */
    void clientClosed() {
        if (tunnelling) {
            releaseBuffers();
            if (origin != null) {
                origin.detachAndClose();
                origin = null;
            }
            release();
            complete(101, null);
            return;
        }
        releaseBuffers();
        if (done) {
            return;
        }
        done = true;
        if (origin != null) {
            origin.detachAndClose();
            origin = null;
        }
        release();
        complete(499, null); // nginx's "client closed request"
    }

    /**
     * Joins the client and the instance after a 101 answer: from here on bytes flow both ways
     * untouched, and the request counts as in flight (so draining waits) until either side closes.
     */
    private void startTunnel(OriginConnection c, HttpHead h, int start, ByteBuf rest) {
        held.succeeded();
        tunnelling = true;
        done = true;
        status = 101;
        c.stopTimeout();
        ByteBuf out = client.channel.alloc().directBuffer(512);
        h.copyStatusLineAs11(out, start);
        for (int f = 0; f < h.fieldCount(); f++) {
            if (!h.isHopByHop(f)) {
                h.copyField(f, out);
            }
        }
        header(out, "Connection", "Upgrade");
        header(out, "Upgrade", h.upgrade == null ? "websocket" : h.upgrade);
        out.writeBytes(CRLF);
        toClient(out);
        if (rest.isReadable()) {
            toClient(rest.retain());
        }
        client.channel.flush();
        releaseBuffers();
        ByteBuf early = client.takePending();
        if (early != null) {
            c.channel.writeAndFlush(early);
        }
        client.resume(WireClient.PAUSE_PIPELINE | WireClient.PAUSE_BACKPRESSURE | WireClient.PAUSE_CONNECT);
    }

    /** Client bytes once the tunnel is open. */
    void clientTunnelBytes(ByteBuf in) {
        OriginConnection c = origin;
        if (c == null) {
            in.release();
            return;
        }
        toOrigin(c, in);
        if (!c.channel.isWritable()) {
            client.pause(WireClient.PAUSE_BACKPRESSURE);
        }
    }

    /** Writes without a promise: a failed write closes the channel, which the handlers report. */
    private void toClient(ByteBuf b) {
        client.channel.write(b, client.channel.voidPromise());
    }

    private static void toOrigin(OriginConnection c, ByteBuf b) {
        c.channel.write(b, c.channel.voidPromise());
    }

    private void release() {
        Upstream u = held;
        if (u != null) {
            held = null;
            router.registry().ended(u);
        }
    }

    private void releaseHeldBody() {
        if (heldBody != null) {
            heldBody.release();
            heldBody = null;
        }
    }

    /** Whatever this exchange still holds of pooled memory; safe to call more than once. */
    private void releaseBuffers() {
        releaseHeldBody();
        if (originHead != null) {
            originHead.release();
            originHead = null;
        }
        dropResponsePending();
    }

    private void dropResponsePending() {
        if (responsePending != null) {
            responsePending.release();
            responsePending = null;
        }
    }

    /**
     * Answers with the router's own error page. {@code close} closes the client connection after
     * it when part of the request body is still unread, since the next request could not be framed.
     */
    private void fail(Failure failure, long retryAfterSeconds, boolean close) {
        done = true;
        if (origin != null) {
            origin.detachAndClose();
            origin = null;
        }
        release();
        complete(failure.status, failure);
        if (responseStarted) {
            client.channel.close();
            return;
        }
        responseStarted = true;
        status = failure.status;
        closeAfter = clientClose || close;
        client.channel.writeAndFlush(ErrorPage.bytes(client.channel.alloc(), failure, requestId, retryAfterSeconds,
                headRequest, closeAfter));
        if (close && !requestFraming.done()) {
            releaseBuffers();
            client.linger(this);
            return;
        }
        responseFinished();
    }

    /** Once per request: metrics and the access log line. */
    private void complete(int statusCode, Failure failure) {
        if (completed) {
            return;
        }
        completed = true;
        long total = System.nanoTime() - startNanos;
        router.metrics().record(app, statusCode, total, failure);
        AccessLog log = router.accessLog();
        if (log != null) {
            log.request(requestId, app, host, method, path, statusCode, failure, servedBy, bodyBytes, bytesOut,
                    originNanos, total, client.clientIp);
        }
    }
}
