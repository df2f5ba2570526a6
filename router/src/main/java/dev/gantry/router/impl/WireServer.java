package dev.gantry.router.impl;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.impl.VertxInternal;

import java.net.InetSocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The plain-HTTP listener: HTTP/1.1 proxied at the byte level on Netty, on the same event loops as
 * the rest of the router. Each accepted connection gets a {@link WireClient}; each event loop has
 * its own {@link OriginPool}, and a request is served entirely on the loop that accepted its
 * connection, so the data path takes no locks. (HTTPS, with HTTP/2, stays on Vert.x's HTTP server:
 * see {@link ProxyVerticle}.)
 */
final class WireServer {

    private final VertxRouter router;
    private final VertxInternal vertx;
    /** One pool per event loop, made before the first connection is accepted and never changed. */
    private final Map<EventExecutor, OriginPool> pools = new IdentityHashMap<>();
    private Channel listener;

    WireServer(VertxRouter router, io.vertx.core.Vertx vertx) {
        this.router = router;
        this.vertx = (VertxInternal) vertx;
    }

    VertxRouter router() {
        return router;
    }

    /** The pool of the event loop {@code loop}; use it on that loop only. */
    OriginPool pool(EventLoop loop) {
        return pools.get(loop);
    }

    void listen(String host, int port) throws InterruptedException {
        var cfg = router.config();
        for (EventExecutor loop : vertx.getEventLoopGroup()) {
            pools.put(loop, new OriginPool((EventLoop) loop, cfg.maxConnectionsPerOrigin(),
                    cfg.originKeepAliveSeconds()));
        }
        ServerBootstrap b = new ServerBootstrap()
                .group(vertx.getAcceptorEventLoopGroup(), vertx.getEventLoopGroup())
                .channelFactory(vertx.transport().serverChannelFactory(false))
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new WireClient(WireServer.this));
                    }
                });
        ChannelFuture f = b.bind(host, port).await();
        if (!f.isSuccess()) {
            Throwable cause = f.cause();
            throw new dev.gantry.router.RouterException(dev.gantry.router.RouterException.Code.START_FAILED,
                    "cannot bind HTTP port " + host + ":" + port + ": " + cause.getMessage(), cause);
        }
        listener = f.channel();
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly();
        }
    }

    /** Opens {@code conn}'s connection to its instance on {@code loop}; the future completes on that loop. */
    ChannelFuture connect(EventLoop loop, OriginConnection conn) {
        return new Bootstrap()
                .group(loop)
                .channelFactory(vertx.transport().channelFactory(false))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, router.config().connectTimeoutMillis()))
                .handler(conn)
                .connect(conn.upstream.socketAddress());
    }
}
