package dev.gantry.router;

/**
 * Per-app proxy options.
 *
 * @param balancer           how to pick an instance
 * @param requestTimeoutMillis how long the origin may stay silent (before its response headers, and
 *                           between body chunks) before the client gets a 504; 0 means the router default
 * @param healthCheckPath    path the active health check GETs (2xx/3xx = healthy); null means a TCP
 *                           connect check, the Heroku/Dokku default ("ready when it accepts connections")
 * @param httpsRedirect      answer plain-HTTP requests with a 308 to the same URL on HTTPS
 *                           (except ACME http-01 challenges, which must stay reachable over HTTP)
 */
public record RouteOptions(Balancer balancer, long requestTimeoutMillis, String healthCheckPath,
                           boolean httpsRedirect) {

    /** Round-robin, the router's default timeout, TCP health checks, no redirect. */
    public static final RouteOptions DEFAULTS = new RouteOptions(Balancer.ROUND_ROBIN, 0, null, false);

    public RouteOptions(Balancer balancer, long requestTimeoutMillis) {
        this(balancer, requestTimeoutMillis, null, false);
    }

    public RouteOptions(Balancer balancer, long requestTimeoutMillis, String healthCheckPath) {
        this(balancer, requestTimeoutMillis, healthCheckPath, false);
    }

    public RouteOptions {
        if (balancer == null) {
            balancer = Balancer.ROUND_ROBIN;
        }
        if (requestTimeoutMillis < 0) {
            throw new RouterException(RouterException.Code.INVALID_TABLE,
                    "request timeout must not be negative: " + requestTimeoutMillis);
        }
        if (healthCheckPath != null && (healthCheckPath.isBlank() || !healthCheckPath.startsWith("/"))) {
            throw new RouterException(RouterException.Code.INVALID_TABLE,
                    "health check path must start with '/': " + healthCheckPath);
        }
    }
}
