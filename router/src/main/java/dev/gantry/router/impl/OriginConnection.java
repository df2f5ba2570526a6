package dev.gantry.router.impl;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * One keep-alive connection to an instance, serving one {@link WireExchange} at a time and waiting
 * in its event loop's {@link OriginPool} in between. It lives on the same event loop as the client
 * connections it serves, so nothing here is shared between threads.
 *
 * <p>The request timeout is one lazy timer per connection rather than one per request: it is set
 * when a request starts, and when it fires it looks at how long the origin has been silent and
 * either fails the exchange or sleeps for the rest of the time.
 */
final class OriginConnection extends ChannelInboundHandlerAdapter {

    final Upstream upstream;
    Channel channel;
    private WireExchange exchange;
    private ScheduledFuture<?> timer;
    private long timeoutNanos;
    private long lastActivityNanos;
    /** When it went back to the pool, for the idle sweep. */
    long idleSinceNanos;
    private OriginPool pool;
    /** Reused for every response head read on this connection. */
    final HttpHead head = new HttpHead();

    OriginConnection(Upstream upstream) {
        this.upstream = upstream;
    }

    void attach(WireExchange ex, long timeoutMillis) {
        exchange = ex;
        timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lastActivityNanos = System.nanoTime();
        if (timer == null && timeoutNanos > 0) {
            timer = channel.eventLoop().schedule(this::checkTimeout, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The exchange ended with the connection clean: it may carry the next request. */
    void detachToPool(OriginPool p) {
        exchange = null;
        if (!channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
        pool = p;
        if (!p.offer(this)) {
            pool = null;
            channel.close();
        }
    }

    /** The exchange ended with the connection in an unknown state (or not wanted): close it. */
    void detachAndClose() {
        exchange = null;
        channel.close();
    }

    /** A tunnel (WebSocket) has no request timeout: it lives as long as both sides want. */
    void stopTimeout() {
        timeoutNanos = 0;
    }

    void touch() {
        lastActivityNanos = System.nanoTime();
    }

    private void checkTimeout() {
        timer = null;
        WireExchange ex = exchange;
        if (ex == null || timeoutNanos <= 0 || !channel.isActive()) {
            return;
        }
        long silent = System.nanoTime() - lastActivityNanos;
        if (silent >= timeoutNanos) {
            ex.originTimedOut(this);
        } else {
            timer = channel.eventLoop().schedule(this::checkTimeout, timeoutNanos - silent, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        WireExchange ex = exchange;
        if (ex == null) {
            // An idle keep-alive connection must not send anything: its bytes could be taken for
            // the next response. Drop the connection.
            in.release();
            ctx.close();
            return;
        }
        lastActivityNanos = System.nanoTime();
        ex.originBytes(this, in);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        WireExchange ex = exchange;
        if (ex != null) {
            ex.flushClient();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        WireExchange ex = exchange;
        if (ex != null && ctx.channel().isWritable()) {
            ex.originWritable();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (pool != null) {
            pool.remove(this);
            pool = null;
        }
        WireExchange ex = exchange;
        exchange = null;
        if (ex != null) {
            ex.originClosed(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // reported through channelInactive
    }

    /** Leaving the pool for a new exchange. */
    void leftPool() {
        pool = null;
    }
}
