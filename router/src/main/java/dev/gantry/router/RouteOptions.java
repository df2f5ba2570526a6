package dev.gantry.router;

/**
 * Per-app proxy options.
 *
 * @param balancer           how to pick an instance
 * @param requestTimeoutMillis how long the origin may stay silent (before its response headers, and
 *                           between body chunks) before the client gets a 504; 0 means the router default
 * @param healthCheckPath    path the active health check GETs (2xx/3xx = healthy); null means a TCP
 *                           connect check, the Heroku/Dokku default ("ready when it accepts connections")
 */
public record RouteOptions(Balancer balancer, long requestTimeoutMillis, String healthCheckPath) {

    /** Round-robin, the router's default timeout, TCP health checks. */
    public static final RouteOptions DEFAULTS = new RouteOptions(Balancer.ROUND_ROBIN, 0, null);

    public RouteOptions(Balancer balancer, long requestTimeoutMillis) {
        this(balancer, requestTimeoutMillis, null);
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
