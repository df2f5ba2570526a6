package dev.gantry.router.impl;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prometheus counters, kept with {@link LongAdder}s so event loops never contend on a lock.
 * Served as text by the admin API at {@code /metrics}.
 */
final class Metrics {

    /** Latency buckets in seconds, from a fast cache hit to the default request timeout. */
    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final Map<String, AppMetrics> apps = new ConcurrentHashMap<>();
    final LongAdder openConnections = new LongAdder();
    private static final String NO_APP = "";

    static final class AppMetrics {
        final LongAdder[] byClass = newAdders(6); // index = status / 100 (1xx..5xx)
        final LongAdder[] buckets = newAdders(BUCKETS.length);
        final LongAdder count = new LongAdder();
        final LongAdder sumMicros = new LongAdder();
        final Map<String, LongAdder> upstreamErrors = new ConcurrentHashMap<>();

        private static LongAdder[] newAdders(int n) {
            LongAdder[] a = new LongAdder[n];
            for (int i = 0; i < n; i++) {
                a[i] = new LongAdder();
            }
            return a;
        }
    }

    void record(String app, int status, long nanos, Failure failure) {
        AppMetrics m = apps.computeIfAbsent(app == null ? NO_APP : app, k -> new AppMetrics());
        m.byClass[Math.min(5, Math.max(1, status / 100))].increment();
        double seconds = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                m.buckets[i].increment();
                break; // cumulative sums are computed when rendering
            }
        }
        m.count.increment();
        m.sumMicros.add(nanos / 1000);
        if (failure != null && failure != Failure.NO_ROUTE && failure != Failure.BODY_TOO_LARGE) {
            m.upstreamErrors.computeIfAbsent(failure.code, k -> new LongAdder()).increment();
        }
    }

    String render() {
        StringBuilder out = new StringBuilder(4096);
        out.append("# HELP gantry_router_requests_total Requests by app and status class.\n")
                .append("# TYPE gantry_router_requests_total counter\n");
        Map<String, AppMetrics> sorted = new TreeMap<>(apps);
        sorted.forEach((app, m) -> {
            for (int c = 1; c <= 5; c++) {
                out.append("gantry_router_requests_total{app=\"").append(app).append("\",class=\"").append(c)
                        .append("xx\"} ").append(m.byClass[c].sum()).append('\n');
            }
        });
        out.append("# HELP gantry_router_request_duration_seconds Time from request to the end of the response.\n")
                .append("# TYPE gantry_router_request_duration_seconds histogram\n");
        sorted.forEach((app, m) -> {
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += m.buckets[i].sum();
                out.append("gantry_router_request_duration_seconds_bucket{app=\"").append(app).append("\",le=\"")
                        .append(BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
            }
            long count = m.count.sum();
            out.append("gantry_router_request_duration_seconds_bucket{app=\"").append(app).append("\",le=\"+Inf\"} ")
                    .append(count).append('\n');
            out.append("gantry_router_request_duration_seconds_sum{app=\"").append(app).append("\"} ")
                    .append(m.sumMicros.sum() / 1e6).append('\n');
            out.append("gantry_router_request_duration_seconds_count{app=\"").append(app).append("\"} ")
                    .append(count).append('\n');
        });
        out.append("# HELP gantry_router_upstream_errors_total Requests the router answered because an instance failed.\n")
                .append("# TYPE gantry_router_upstream_errors_total counter\n");
        sorted.forEach((app, m) -> new TreeMap<>(m.upstreamErrors).forEach((code, n) ->
                out.append("gantry_router_upstream_errors_total{app=\"").append(app).append("\",error=\"")
                        .append(code).append("\"} ").append(n.sum()).append('\n')));
        out.append("# HELP gantry_router_open_connections Client connections open now.\n")
                .append("# TYPE gantry_router_open_connections gauge\n")
                .append("gantry_router_open_connections ").append(openConnections.sum()).append('\n');
        return out.toString();
    }
}
