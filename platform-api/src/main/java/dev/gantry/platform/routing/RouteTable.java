package dev.gantry.platform.routing;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The route table in the router's admin API format ({@code docs/router.md}): every app by key
 * {@code <app>.<tenant>}, its custom hostnames and the instances that should get its traffic.
 */
public record RouteTable(long version, List<Route> apps) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Route(String app, List<String> hostnames, List<Map<String, Object>> instances,
                        Map<String, Object> options) {
    }

    public RouteTable withVersion(long v) {
        return new RouteTable(v, apps);
    }
}
