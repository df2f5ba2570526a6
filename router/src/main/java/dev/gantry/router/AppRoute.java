package dev.gantry.router;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One app's entry in the route table.
 *
 * @param app       the app key {@code <app>.<tenant>}; the router also serves it at
 *                  {@code <app>.<tenant>.<base-domain>} without it being listed in {@code hostnames}
 * @param hostnames extra hostnames (custom domains), exact ({@code www.example.com}) or wildcard
 *                  ({@code *.example.com}, matching any name below example.com but not example.com itself)
 * @param instances where the app runs; an empty list makes the app answer 503
 * @param options   per-app proxy options
 */
public record AppRoute(String app, List<String> hostnames, List<Instance> instances, RouteOptions options) {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public AppRoute {
        if (app == null || !isAppKey(app)) {
            throw new RouterException(RouterException.Code.INVALID_TABLE,
                    "app key must be <app>.<tenant> (two DNS labels): " + app);
        }
        List<String> names = new ArrayList<>();
        for (String h : hostnames == null ? List.<String>of() : hostnames) {
            String n = h == null ? "" : h.toLowerCase(Locale.ROOT);
            if (!isHostname(n)) {
                throw new RouterException(RouterException.Code.INVALID_TABLE,
                        "app " + app + ": not a hostname or *.wildcard: " + h);
            }
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        hostnames = List.copyOf(names);
        instances = List.copyOf(instances == null ? List.of() : instances);
        options = options == null ? RouteOptions.DEFAULTS : options;
    }

    static boolean isAppKey(String key) {
        String[] parts = key.split("\\.", -1);
        return parts.length == 2 && LABEL.matcher(parts[0]).matches() && LABEL.matcher(parts[1]).matches();
    }

    static boolean isHostname(String name) {
        String rest = name.startsWith("*.") ? name.substring(2) : name;
        if (rest.isEmpty() || rest.length() > 253) {
            return false;
        }
        for (String label : rest.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }
}
