package dev.gantry.platform.routing;

import java.util.List;
import java.util.Map;

/**
 * The route table in the router's admin API format ({@code docs/router.md}): every app by key
 * {@code <app>.<tenant>}, its custom hostnames and the instances that should get its traffic.
 */
public record RouteTable(long version, List<Route> apps) {

    public record Route(String app, List<String> hostnames, List<Map<String, Object>> instances) {
    }

    public RouteTable withVersion(long v) {
        return new RouteTable(v, apps);
    }
}
