package dev.gantry.router;

/**
 * Per-app proxy options.
 *
 * @param balancer           how to pick an instance
 * @param requestTimeoutMillis how long the origin may stay silent (before its response headers, and
 *                           between body chunks) before the client gets a 504; 0 means the router default
 */
public record RouteOptions(Balancer balancer, long requestTimeoutMillis) {

    /** Round-robin and the router's default timeout. */
    public static final RouteOptions DEFAULTS = new RouteOptions(Balancer.ROUND_ROBIN, 0);

    public RouteOptions {
        if (balancer == null) {
            balancer = Balancer.ROUND_ROBIN;
        }
        if (requestTimeoutMillis < 0) {
            throw new RouterException(RouterException.Code.INVALID_TABLE,
                    "request timeout must not be negative: " + requestTimeoutMillis);
        }
    }
}
