package dev.gantry.router;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole routing state the platform hands the router. It is replaced as a whole (never
 * patched), which keeps updates idempotent: the same version sent twice changes nothing.
 *
 * @param version increases with every change the platform makes; an older version is refused
 * @param apps    one entry per app; an app key and each hostname appear at most once
 */
public record RouteTable(long version, List<AppRoute> apps) {

    public static final RouteTable EMPTY = new RouteTable(0, List.of());

    public RouteTable {
        if (version < 0) {
            throw new RouterException(RouterException.Code.INVALID_TABLE, "version must not be negative");
        }
        apps = List.copyOf(apps == null ? List.of() : apps);
        Map<String, String> owner = new HashMap<>();
        for (AppRoute a : apps) {
            if (owner.putIfAbsent("app:" + a.app(), a.app()) != null) {
                throw new RouterException(RouterException.Code.INVALID_TABLE, "app listed twice: " + a.app());
            }
            for (String h : a.hostnames()) {
                String previous = owner.putIfAbsent(h, a.app());
                if (previous != null) {
                    throw new RouterException(RouterException.Code.INVALID_TABLE,
                            "hostname " + h + " claimed by both " + previous + " and " + a.app());
                }
            }
        }
    }
}
