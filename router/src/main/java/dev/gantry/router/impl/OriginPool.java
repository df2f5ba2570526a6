package dev.gantry.router.impl;

import io.netty.channel.EventLoop;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The idle keep-alive connections of one event loop, per instance. Newest first, so a busy
 * instance keeps reusing a few warm connections and the rest age out. A sweep once a second closes
 * those idle longer than the keep-alive time: shorter than the apps' own (typically 5 s), so the
 * router seldom sends a request on a connection the app is closing at that moment.
 */
final class OriginPool {

    private final Map<Upstream, ArrayDeque<OriginConnection>> idle = new IdentityHashMap<>();
    private final int maxIdlePerInstance;
    private final long keepAliveNanos;

    OriginPool(EventLoop loop, int maxIdlePerInstance, long keepAliveSeconds) {
        this.maxIdlePerInstance = maxIdlePerInstance;
        this.keepAliveNanos = TimeUnit.SECONDS.toNanos(keepAliveSeconds);
        loop.scheduleAtFixedRate(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    /** A live idle connection to {@code u}, or null. */
    OriginConnection poll(Upstream u) {
        ArrayDeque<OriginConnection> q = idle.get(u);
        if (q == null) {
            return null;
        }
        long now = System.nanoTime();
        OriginConnection c;
        while ((c = q.pollFirst()) != null) {
            if (c.channel.isActive() && now - c.idleSinceNanos < keepAliveNanos) {
                c.leftPool();
                return c;
            }
            c.leftPool();
            c.channel.close();
        }
        return null;
    }

    /** @return false when the pool for that instance is full (the caller closes the connection) */
    boolean offer(OriginConnection c) {
        if (keepAliveNanos <= 0) {
            return false;
        }
        ArrayDeque<OriginConnection> q = idle.computeIfAbsent(c.upstream, u -> new ArrayDeque<>());
        if (q.size() >= maxIdlePerInstance) {
            return false;
        }
        c.idleSinceNanos = System.nanoTime();
        q.addFirst(c);
        return true;
    }

    void remove(OriginConnection c) {
        ArrayDeque<OriginConnection> q = idle.get(c.upstream);
        if (q != null) {
            q.remove(c);
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        Iterator<ArrayDeque<OriginConnection>> queues = idle.values().iterator();
        while (queues.hasNext()) {
            ArrayDeque<OriginConnection> q = queues.next();
            OriginConnection oldest;
            while ((oldest = q.peekLast()) != null && now - oldest.idleSinceNanos >= keepAliveNanos) {
                q.pollLast();
                oldest.leftPool();
                oldest.channel.close();
            }
            if (q.isEmpty()) {
                queues.remove();
            }
        }
    }
}
