package dev.gantry.router.impl;

import dev.gantry.router.AppRoute;
import dev.gantry.router.Balancer;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** One app's instances and its balancing policy, as compiled from a table. Immutable but for counters. */
final class Pool {

    private final String app;
    private final Upstream[] upstreams;
    private final Balancer balancer;
    private final long requestTimeoutMillis;
    private final String healthCheckPath;
    private final String defaultHost;
    private final boolean httpsRedirect;
    private final AtomicInteger next = new AtomicInteger();

    Pool(AppRoute route, List<Upstream> upstreams, long defaultTimeoutMillis, String baseDomain) {
        this.app = route.app();
        this.healthCheckPath = route.options().healthCheckPath();
        this.defaultHost = route.app() + "." + baseDomain;
        this.httpsRedirect = route.options().httpsRedirect();
        this.upstreams = upstreams.toArray(new Upstream[0]);
        this.balancer = route.options().balancer();
        long t = route.options().requestTimeoutMillis();
        this.requestTimeoutMillis = t > 0 ? t : defaultTimeoutMillis;
    }

    String app() {
        return app;
    }

    long requestTimeoutMillis() {
        return requestTimeoutMillis;
    }

    boolean httpsRedirect() {
        return httpsRedirect;
    }

    String healthCheckPath() {
        return healthCheckPath;
    }

    /** The Host an active HTTP health check sends: the app's default name. */
    String defaultHost() {
        return defaultHost;
    }

    Upstream[] upstreams() {
        return upstreams;
    }

    boolean isEmpty() {
        return upstreams.length == 0;
    }

    /**
     * An instance that is not ejected and not in {@code tried}, or null if there is none.
     * Round-robin walks from a shared cursor; least-requests takes the fewest in flight, scanning
     * from the same cursor so ties rotate instead of always landing on the first instance.
     */
    Upstream pick(Set<Upstream> tried, long nowNanos) {
        int n = upstreams.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(next.getAndIncrement(), n);
        Upstream best = null;
        for (int i = 0; i < n; i++) {
            Upstream u = upstreams[(start + i) % n];
            if (!u.available(nowNanos) || (tried != null && tried.contains(u))) {
                continue;
            }
            if (balancer == Balancer.ROUND_ROBIN) {
                return u;
            }
            if (best == null || u.inFlight() < best.inFlight()) {
                best = u;
            }
        }
        return best;
    }

    /** Seconds a client should wait before retrying when every instance is ejected (at least 1). */
    long retryAfterSeconds(long nowNanos) {
        long least = Long.MAX_VALUE;
        for (Upstream u : upstreams) {
            least = Math.min(least, u.ejectionLeftNanos(nowNanos));
        }
        if (least == Long.MAX_VALUE) {
            return 5; // no instance at all: typically a deploy or scale-up is under way
        }
        return Math.max(1, (least + 999_999_999L) / 1_000_000_000L);
    }
}
