package dev.gantry.router.impl;

import dev.gantry.router.InstanceStatus;
import dev.gantry.router.RouteTable;
import dev.gantry.router.RouterException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The admin API the platform talks to. It has no authentication, so it listens on loopback
 * (127.0.0.1) by default and the router warns when configured otherwise. Format: docs/router.md.
 */
final class AdminApi implements Handler<HttpServerRequest> {

    private static final long MAX_TABLE_BYTES = 32L * 1024 * 1024;

    private final VertxRouter router;
    private final Vertx vertx;

    AdminApi(VertxRouter router, Vertx vertx) {
        this.router = router;
        this.vertx = vertx;
    }

    @Override
    public void handle(HttpServerRequest req) {
        try {
            switch (req.path()) {
                case "/v1/routes" -> routes(req);
                case "/metrics" -> only(req, HttpMethod.GET, () -> req.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4")
                        .end(router.metrics().render()));
                case "/v1/certificates" -> only(req, HttpMethod.GET, () -> json(req.response(), 200,
                        new JsonObject().put("certificates", new JsonArray(new java.util.ArrayList<>(router.certificates())))));
                case "/v1/status" -> only(req, HttpMethod.GET, () -> json(req.response(), 200, status()));
                case "/healthz" -> only(req, HttpMethod.GET, () -> json(req.response(), 200,
                        new JsonObject().put("status", "ok").put("version", router.table().version())));
                default -> {
                    if (req.path().startsWith("/v1/certificates/")) {
                        certificate(req, req.path().substring("/v1/certificates/".length()));
                        return;
                    }
                    problem(req.response(), 404, "not_found", "No such admin resource: " + req.path());
                }
            }
        } catch (RuntimeException e) {
            fail(req.response(), e);
        }
    }

    private void routes(HttpServerRequest req) {
        if (req.method() == HttpMethod.GET) {
            RouteTable t = router.table();
            req.response().putHeader(HttpHeaders.ETAG, "\"" + t.version() + "\"");
            json(req.response(), 200, TableJson.toJson(t));
        } else if (req.method() == HttpMethod.PUT) {
            String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (cl != null && Long.parseLong(cl) > MAX_TABLE_BYTES) {
                problem(req.response(), 413, "too_large", "A route table may be at most 32 MiB.");
                return;
            }
            req.body()
                    .map(TableJson::parse)
                    // update() syncs the saved table to disk: keep it off the event loop.
                    .compose(table -> vertx.executeBlocking(() -> router.update(table), false)
                            .map(applied -> new JsonObject().put("version", table.version()).put("applied", applied)))
                    .onSuccess(body -> json(req.response(), 200, body))
                    .onFailure(e -> fail(req.response(), e));
        } else {
            req.response().putHeader(HttpHeaders.ALLOW, "GET, PUT");
            problem(req.response(), 405, "method_not_allowed", "Use GET or PUT on /v1/routes.");
        }
    }

    /** PUT {"cert": PEM, "key": PEM}: installs the pair for SNI and reloads HTTPS without a restart. */
    private void certificate(HttpServerRequest req, String name) {
        if (req.method() != HttpMethod.PUT) {
            req.response().putHeader(HttpHeaders.ALLOW, "PUT");
            problem(req.response(), 405, "method_not_allowed", "Use PUT on /v1/certificates/{hostname}.");
            return;
        }
        req.body()
                .map(body -> {
                    try {
                        return new JsonObject(body);
                    } catch (RuntimeException e) {
                        throw new RouterException(RouterException.Code.INVALID_TABLE, "body is not a JSON object");
                    }
                })
                .compose(json -> vertx.executeBlocking(() -> router.installCertificate(name,
                        json.getValue("cert") instanceof String c ? c : null,
                        json.getValue("key") instanceof String k ? k : null), false))
                .compose(f -> f)
                .onSuccess(v -> json(req.response(), 200, new JsonObject().put("certificate", name)
                        .put("installed", true)))
                .onFailure(e -> fail(req.response(), e));
    }

    private static void only(HttpServerRequest req, HttpMethod method, Runnable action) {
        if (req.method() != method) {
            req.response().putHeader(HttpHeaders.ALLOW, method.name());
            problem(req.response(), 405, "method_not_allowed", "Use " + method.name() + " on " + req.path() + ".");
        } else {
            action.run();
        }
    }

    private JsonObject status() {
        JsonArray instances = new JsonArray();
        for (InstanceStatus s : router.status()) {
            instances.add(new JsonObject().put("host", s.host()).put("port", s.port())
                    .put("in_flight", s.inFlight()).put("ejected", s.ejected()).put("draining", s.draining()));
        }
        return new JsonObject().put("version", router.table().version()).put("instances", instances);
    }

    /** The one place where admin failures become statuses. */
    private static void fail(HttpServerResponse resp, Throwable e) {
        if (e instanceof RouterException re) {
            int status = switch (re.code()) {
                case INVALID_TABLE -> 400;
                case STALE_VERSION -> 409;
                case STATE_IO, START_FAILED -> 500;
            };
            problem(resp, status, re.code().name().toLowerCase(), re.getMessage());
        } else if (e instanceof NumberFormatException) {
            problem(resp, 400, "bad_request", "Malformed Content-Length.");
        } else {
            problem(resp, 500, "internal", "Unexpected error: " + e);
        }
    }

    private static void json(HttpServerResponse resp, int status, JsonObject body) {
        resp.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    }

    private static void problem(HttpServerResponse resp, int status, String code, String detail) {
        if (resp.ended()) {
            return;
        }
        resp.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .end(new JsonObject().put("type", "about:blank").put("status", status).put("code", code)
                        .put("detail", detail).encode());
    }
}
