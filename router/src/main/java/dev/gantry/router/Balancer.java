package dev.gantry.router;

import java.util.Locale;

/** How requests are spread over an app's healthy instances. */
public enum Balancer {
    /** Each instance in turn. */
    ROUND_ROBIN("round-robin"),
    /** The instance with the fewest requests in flight (ties broken in turn). */
    LEAST_REQUESTS("least-requests");

    private final String wireName;

    Balancer(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the admin API's JSON. */
    public String wireName() {
        return wireName;
    }

    public static Balancer fromWireName(String name) {
        for (Balancer b : values()) {
            if (b.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw new RouterException(RouterException.Code.INVALID_TABLE,
                "unknown balancer '" + name + "' (use round-robin or least-requests)");
    }
}
