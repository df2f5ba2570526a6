package dev.gantry.router.impl;

import dev.gantry.router.AppRoute;
import dev.gantry.router.Balancer;
import dev.gantry.router.Instance;
import dev.gantry.router.RouteOptions;
import dev.gantry.router.RouteTable;
import dev.gantry.router.RouterException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The wire format of a route table (documented in docs/router.md), used by the admin API and for
 * the saved copy on disk. Parsing is strict about types so a platform bug shows up as a 400 with
 * a sentence instead of a half-understood table.
 */
final class TableJson {

    private TableJson() {
    }

    static JsonObject toJson(RouteTable table) {
        JsonArray apps = new JsonArray();
        for (AppRoute a : table.apps()) {
            JsonArray instances = new JsonArray();
            for (Instance i : a.instances()) {
                instances.add(new JsonObject().put("host", i.host()).put("port", i.port()));
            }
            JsonObject options = new JsonObject().put("balancer", a.options().balancer().wireName());
            if (a.options().requestTimeoutMillis() > 0) {
                options.put("request_timeout_ms", a.options().requestTimeoutMillis());
            }
            if (a.options().httpsRedirect()) {
                options.put("https_redirect", true);
            }
            if (a.options().healthCheckPath() != null) {
                options.put("health_check_path", a.options().healthCheckPath());
            }
            apps.add(new JsonObject()
                    .put("app", a.app())
                    .put("hostnames", new JsonArray(new ArrayList<>(a.hostnames())))
                    .put("instances", instances)
                    .put("options", options));
        }
        return new JsonObject().put("version", table.version()).put("apps", apps);
    }

    static RouteTable parse(Buffer body) {
        JsonObject root;
        try {
            root = new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            throw invalid("body is not a JSON object: " + e.getMessage());
        }
        return parse(root);
    }

    static RouteTable parse(JsonObject root) {
        try {
            Long version = root.getLong("version");
            if (version == null) {
                throw invalid("\"version\" (a number) is required");
            }
            JsonArray apps = root.getJsonArray("apps", new JsonArray());
            List<AppRoute> routes = new ArrayList<>();
            for (int n = 0; n < apps.size(); n++) {
                JsonObject a = apps.getJsonObject(n);
                String app = a.getString("app");
                List<String> hostnames = new ArrayList<>();
                JsonArray hs = a.getJsonArray("hostnames", new JsonArray());
                for (int k = 0; k < hs.size(); k++) {
                    hostnames.add(hs.getString(k));
                }
                List<Instance> instances = new ArrayList<>();
                JsonArray is = a.getJsonArray("instances", new JsonArray());
                for (int k = 0; k < is.size(); k++) {
                    JsonObject i = is.getJsonObject(k);
                    Integer port = i.getInteger("port");
                    if (port == null) {
                        throw invalid("app " + app + ": instance " + k + " has no port");
                    }
                    instances.add(new Instance(i.getString("host"), port));
                }
                JsonObject o = a.getJsonObject("options", new JsonObject());
                RouteOptions options = new RouteOptions(
                        Balancer.fromWireName(o.getString("balancer", Balancer.ROUND_ROBIN.wireName())),
                        o.getLong("request_timeout_ms", 0L),
                        o.getString("health_check_path"),
                        o.getBoolean("https_redirect", false));
                routes.add(new AppRoute(app, hostnames, instances, options));
            }
            return new RouteTable(version, routes);
        } catch (ClassCastException e) {
            throw invalid("a field has the wrong JSON type: " + e.getMessage());
        }
    }

    private static RouterException invalid(String message) {
        return new RouterException(RouterException.Code.INVALID_TABLE, message);
    }
}
