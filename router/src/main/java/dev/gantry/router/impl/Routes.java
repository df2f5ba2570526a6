package dev.gantry.router.impl;

import dev.gantry.router.AppRoute;
import dev.gantry.router.Instance;
import dev.gantry.router.RouteTable;
import dev.gantry.router.RouterException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A route table compiled for lookups: exact hostnames in one map, wildcard suffixes in another.
 * Exact names win over wildcards and a longer wildcard suffix wins over a shorter one, so
 * {@code *.eu.example.com} beats {@code *.example.com}. Replaced whole on every update.
 */
final class Routes {

    static final Routes EMPTY = new Routes(RouteTable.EMPTY, Map.of(), Map.of(), List.of());

    private final RouteTable table;
    private final Map<String, Pool> exact;
    private final Map<String, Pool> wildcard; // key: ".example.com" for "*.example.com"
    private final List<Pool> pools;

    private Routes(RouteTable table, Map<String, Pool> exact, Map<String, Pool> wildcard, List<Pool> pools) {
        this.table = table;
        this.exact = exact;
        this.wildcard = wildcard;
        this.pools = pools;
    }

    List<Pool> pools() {
        return pools;
    }

    /**
     * Builds the lookup maps, taking live instance objects from {@code registry} so their health and
     * in-flight counts carry over from the previous table.
     */
    static Routes compile(RouteTable table, String baseDomain, UpstreamRegistry registry,
                          long defaultTimeoutMillis) {
        // Validate everything first so a rejected table leaves the registry untouched.
        validate(table, baseDomain);
        Map<String, Pool> exact = new HashMap<>();
        Map<String, Pool> wildcard = new HashMap<>();
        Set<String> keep = new HashSet<>();
        List<Pool> pools = new ArrayList<>();
        for (AppRoute a : table.apps()) {
            List<Upstream> ups = new ArrayList<>();
            for (Instance i : a.instances()) {
                keep.add(i.address());
                if (ups.stream().noneMatch(u -> u.instance().equals(i))) {
                    ups.add(registry.acquire(i));
                }
            }
            Pool pool = new Pool(a, ups, defaultTimeoutMillis, baseDomain);
            pools.add(pool);
            for (String h : hostnamesOf(a, baseDomain)) {
                if (h.startsWith("*.")) {
                    wildcard.put(h.substring(1), pool);
                } else {
                    exact.put(h, pool);
                }
            }
        }
        registry.retireAllBut(keep);
        return new Routes(table, Map.copyOf(exact), Map.copyOf(wildcard), List.copyOf(pools));
    }

    /**
     * Checks what {@link RouteTable} cannot check alone: an app's default name under the base domain
     * must not be another app's custom hostname.
     */
    static void validate(RouteTable table, String baseDomain) {
        Map<String, String> owner = new HashMap<>();
        for (AppRoute a : table.apps()) {
            for (String h : hostnamesOf(a, baseDomain)) {
                String prev = owner.putIfAbsent(h, a.app());
                if (prev != null && !prev.equals(a.app())) {
                    throw new RouterException(RouterException.Code.INVALID_TABLE,
                            "hostname " + h + " claimed by both " + prev + " and " + a.app());
                }
            }
        }
    }

    private static List<String> hostnamesOf(AppRoute a, String baseDomain) {
        List<String> names = new ArrayList<>(a.hostnames().size() + 1);
        names.add(a.app() + "." + baseDomain);
        for (String h : a.hostnames()) {
            if (!names.contains(h)) {
                names.add(h);
            }
        }
        return names;
    }

    RouteTable table() {
        return table;
    }

    /** The pool for a Host header value (port and trailing dot ignored), or null. */
    Pool lookup(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty()) {
            return null;
        }
        String host = normalize(hostHeader);
        Pool p = exact.get(host);
        if (p != null || wildcard.isEmpty()) {
            return p;
        }
        for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
            p = wildcard.get(host.substring(dot));
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    static String normalize(String hostHeader) {
        String host = hostHeader;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end > 0 ? host.substring(0, end + 1) : host;
        } else {
            int colon = host.lastIndexOf(':');
            if (colon >= 0) {
                host = host.substring(0, colon);
            }
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.toLowerCase(Locale.ROOT);
    }
}
