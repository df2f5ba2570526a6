package dev.gantry.router.impl;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * One client connection on the plain-HTTP port: reads request heads, hands each request to a
 * {@link WireExchange}, and keeps the connection alive between requests. Requests are served one
 * at a time; bytes of a pipelined next request wait (reading paused) until the current one is done.
 */
final class WireClient extends ChannelInboundHandlerAdapter {

    /** Client keep-alive idle time, like nginx's keepalive_timeout default. */
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(75);
    /** How long the rest of an unwanted body is read and dropped before the connection is closed. */
    private static final long LINGER_MILLIS = 5_000;

    static final int PAUSE_CONNECT = 1;
    static final int PAUSE_PIPELINE = 2;
    static final int PAUSE_BACKPRESSURE = 4;

    final WireServer server;
    Channel channel;
    private ByteBuf pending;
    private WireExchange exchange;
    private boolean processing;
    private boolean closing;
    private int pauses;
    private long lastActivityNanos;
    private ScheduledFuture<?> idleTimer;
    private final HttpHead head = new HttpHead();
    /** How far (from the reader index) a partly received head has been scanned, in whole lines. */
    private int headScanned;
    /** The client's address and the port it reached, as the forwarding headers carry them. */
    String clientIp;
    String localPort;

    WireClient(WireServer server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        clientIp = ((java.net.InetSocketAddress) channel.remoteAddress()).getAddress().getHostAddress();
        localPort = Integer.toString(((java.net.InetSocketAddress) channel.localAddress()).getPort());
        server.router().metrics().openConnections.increment();
        lastActivityNanos = System.nanoTime();
        idleTimer = channel.eventLoop().schedule(this::checkIdle, IDLE_NANOS, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        server.router().metrics().openConnections.decrement();
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
        if (pending != null) {
            pending.release();
            pending = null;
        }
        WireExchange ex = exchange;
        exchange = null;
        if (ex != null) {
            ex.clientClosed();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        lastActivityNanos = System.nanoTime();
        if (closing) {
            in.release();
            return;
        }
        WireExchange ex = exchange;
        if (ex != null && ex.tunnelling()) {
            ex.clientTunnelBytes(in);
            return;
        }
        pending = pending == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), pending, in);
        process();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        WireExchange ex = exchange;
        if (ex != null) {
            ex.flushOrigin();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        WireExchange ex = exchange;
        if (ex != null && ctx.channel().isWritable()) {
            ex.clientWritable();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a reset or broken pipe; channelInactive tells the exchange
    }

    /** Works through the received bytes: request heads, bodies, and pipelined requests. */
    private void process() {
        if (processing) {
            return; // an exchange finished inside this loop; the loop carries on
        }
        processing = true;
        try {
            while (pending != null && pending.isReadable() && !closing) {
                WireExchange ex = exchange;
                if (ex != null) {
                    if (ex.tunnelling()) {
                        ByteBuf early = pending;
                        pending = null;
                        ex.clientTunnelBytes(early);
                        return;
                    }
                    if (ex.requestDone()) {
                        pause(PAUSE_PIPELINE); // a next request, read once this one is answered
                        return;
                    }
                    ex.requestBody(pending);
                    continue;
                }
                if (!startRequest()) {
                    return;
                }
            }
        } finally {
            processing = false;
            if (pending != null && !pending.isReadable()) {
                pending.release();
                pending = null;
            }
        }
    }

    /** Parses a request head if a whole one is there and starts its exchange; false if not. */
    private boolean startRequest() {
        ByteBuf b = pending;
        while (headScanned == 0 && b.isReadable()
                && (b.getByte(b.readerIndex()) == '\r' || b.getByte(b.readerIndex()) == '\n')) {
            b.skipBytes(1); // empty lines between requests (RFC 9112 section 2.2)
        }
        if (!b.isReadable()) {
            return false;
        }
        int max = server.router().config().maxHeaderBytes();
        int start = b.readerIndex();
        int end = HttpHead.findEnd(b, start, start + headScanned, b.writerIndex());
        if (end < 0 ? b.readableBytes() > max : end - start > max) {
            reject(Failure.HEADERS_TOO_LARGE);
            return false;
        }
        if (end < 0) {
            headScanned = (-1 - end) - start; // a head arriving in pieces is scanned once, not once per piece
            return false;
        }
        headScanned = 0;
        try {
            head.parseRequest(b, start, end);
        } catch (HttpHead.BadMessage e) {
            reject(Failure.BAD_REQUEST);
            return false;
        }
        WireExchange ex = new WireExchange(this, head, start, end);
        exchange = ex;
        b.readerIndex(end);
        ex.start();
        return true;
    }

    /** A request the router cannot read: say so and close, since the next request cannot be framed. */
    private void reject(Failure failure) {
        closing = true;
        server.router().metrics().record(null, failure.status, 0, failure);
        channel.writeAndFlush(ErrorPage.bytes(channel.alloc(), failure, null, 0, false, true))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** The exchange is over on both sides: serve the next request or close. */
    void exchangeDone(WireExchange ex, boolean close) {
        if (exchange != ex) {
            return;
        }
        exchange = null;
        if (close) {
            closing = true;
            channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        resumeAll();
        process();
    }

    /**
     * Sends nothing more and closes once the client has finished sending (or after
     * {@link #LINGER_MILLIS}). Closing at once, with the client's body still arriving, makes the
     * kernel answer with a reset that can destroy the error page before the client reads it (what
     * nginx's lingering_close avoids).
     */
    void linger(WireExchange ex) {
        if (exchange == ex) {
            exchange = null;
        }
        closing = true;
        resumeAll();
        channel.flush();
        if (channel instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
        }
        channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Bytes that reached the client side while a tunnel was being set up. */
    ByteBuf takePending() {
        ByteBuf b = pending;
        pending = null;
        return b;
    }

    void pause(int reason) {
        if (pauses == 0) {
            channel.config().setAutoRead(false);
        }
        pauses |= reason;
    }

    void resume(int reason) {
        if ((pauses & reason) == 0) {
            return;
        }
        pauses &= ~reason;
        if (pauses == 0) {
            channel.config().setAutoRead(true);
        }
    }

    private void resumeAll() {
        if (pauses != 0) {
            pauses = 0;
            channel.config().setAutoRead(true);
        }
    }

    /** Lazy idle check: closes a connection that has been silent between requests for too long. */
    private void checkIdle() {
        idleTimer = null;
        if (!channel.isActive()) {
            return;
        }
        long silent = System.nanoTime() - lastActivityNanos;
        if (exchange == null && silent >= IDLE_NANOS) {
            channel.close();
            return;
        }
        long next = exchange == null ? IDLE_NANOS - silent : IDLE_NANOS;
        idleTimer = channel.eventLoop().schedule(this::checkIdle, next, TimeUnit.NANOSECONDS);
    }
}
