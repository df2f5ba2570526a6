package dev.gantry.router;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Everything the router process is configured with. {@link #fromEnv(Map)} reads the
 * {@code GANTRY_ROUTER_*} variables the launcher sets; tests build one with {@link #defaults(Path)}
 * and the {@code with*} copies (port 0 binds a random free port).
 *
 * @param bindHost              address the public listener binds ({@code 0.0.0.0})
 * @param httpPort              public HTTP port (8000)
 * @param httpsPort             public HTTPS port (8443); negative disables HTTPS
 * @param adminHost             address of the admin API; loopback only, since it has no authentication
 * @param adminPort             admin API port (8001)
 * @param baseDomain            apps are served at {@code <app>.<tenant>.<baseDomain>}
 * @param stateDir              where the last route table is saved
 * @param eventLoops            proxy event loops (one listener and one origin pool per loop)
 * @param connectTimeoutMillis  time to open a connection to an instance before trying another one
 * @param requestTimeoutMillis  default silence allowed from an origin before a 504 (apps may override)
 * @param ejectMillis           how long passive health keeps a failing instance out of rotation
 * @param ejectAfterFailures    consecutive connection failures that eject an instance
 * @param maxHeaderBytes        largest request header block accepted from clients
 * @param maxBodyBytes          largest request body accepted (0 = unlimited)
 * @param originKeepAliveSeconds how long an idle pooled origin connection is kept; below the 5 s many
 *                              app servers use, so the router rarely reuses a connection the app just closed
 * @param maxConnectionsPerOrigin idle keep-alive connections kept per instance and event loop (like nginx's
 *                              {@code keepalive}); busier moments open more, which close after use
 * @param accessLog             {@code stdout}, {@code off}, or a file to append JSON lines to
 * @param healthIntervalMillis  period of active health checks (0 = off)
 */
public record RouterConfig(String bindHost, int httpPort, int httpsPort, String adminHost, int adminPort,
                           String baseDomain, Path stateDir, int eventLoops, long connectTimeoutMillis,
                           long requestTimeoutMillis, long ejectMillis, int ejectAfterFailures,
                           int maxHeaderBytes, long maxBodyBytes, int originKeepAliveSeconds,
                           int maxConnectionsPerOrigin, String accessLog,
                           long healthIntervalMillis) {

    public RouterConfig {
        baseDomain = baseDomain.toLowerCase(Locale.ROOT);
        if (baseDomain.startsWith(".") || baseDomain.endsWith(".") || baseDomain.isBlank()) {
            throw new RouterException(RouterException.Code.START_FAILED, "bad base domain: " + baseDomain);
        }
        if (eventLoops < 1 || ejectAfterFailures < 1 || maxConnectionsPerOrigin < 1) {
            throw new RouterException(RouterException.Code.START_FAILED,
                    "eventLoops, ejectAfterFailures and maxConnectionsPerOrigin must be at least 1");
        }
    }

    /** Defaults of the public contract, with the given state directory. */
    public static RouterConfig defaults(Path stateDir) {
        return new RouterConfig("0.0.0.0", 8000, 8443, "127.0.0.1", 8001, "localhost", stateDir,
                Math.max(1, Runtime.getRuntime().availableProcessors()), 5_000, 30_000, 10_000, 1,
                16 * 1024, 0, 4, 512, "stdout", 5_000);
    }

    /**
     * Reads the configuration from environment variables, falling back to {@link #defaults(Path)}.
     * Unknown or malformed values fail the start rather than being ignored.
     */
    public static RouterConfig fromEnv(Map<String, String> env) {
        String home = System.getProperty("user.home");
        Path state = Path.of(env.getOrDefault("GANTRY_ROUTER_STATE", home + "/.gantry/router"));
        RouterConfig d = defaults(state);
        return new RouterConfig(
                env.getOrDefault("GANTRY_ROUTER_BIND", d.bindHost()),
                intVar(env, "GANTRY_ROUTER_HTTP_PORT", d.httpPort()),
                intVar(env, "GANTRY_ROUTER_HTTPS_PORT", d.httpsPort()),
                env.getOrDefault("GANTRY_ROUTER_ADMIN_HOST", d.adminHost()),
                intVar(env, "GANTRY_ROUTER_ADMIN_PORT", d.adminPort()),
                env.getOrDefault("GANTRY_BASE_DOMAIN", d.baseDomain()),
                state,
                intVar(env, "GANTRY_ROUTER_EVENT_LOOPS", d.eventLoops()),
                intVar(env, "GANTRY_ROUTER_CONNECT_TIMEOUT_MS", (int) d.connectTimeoutMillis()),
                intVar(env, "GANTRY_ROUTER_REQUEST_TIMEOUT_MS", (int) d.requestTimeoutMillis()),
                intVar(env, "GANTRY_ROUTER_EJECT_MS", (int) d.ejectMillis()),
                intVar(env, "GANTRY_ROUTER_EJECT_AFTER_FAILURES", d.ejectAfterFailures()),
                intVar(env, "GANTRY_ROUTER_MAX_HEADER_BYTES", d.maxHeaderBytes()),
                Long.parseLong(env.getOrDefault("GANTRY_ROUTER_MAX_BODY_BYTES", String.valueOf(d.maxBodyBytes()))),
                intVar(env, "GANTRY_ROUTER_ORIGIN_KEEPALIVE_S", d.originKeepAliveSeconds()),
                intVar(env, "GANTRY_ROUTER_MAX_CONNECTIONS_PER_ORIGIN", d.maxConnectionsPerOrigin()),
                env.getOrDefault("GANTRY_ROUTER_ACCESS_LOG", d.accessLog()),
                intVar(env, "GANTRY_ROUTER_HEALTH_INTERVAL_MS", (int) d.healthIntervalMillis()));
    }

    private static int intVar(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new RouterException(RouterException.Code.START_FAILED, name + " is not a number: " + v, e);
        }
    }

    public RouterConfig withPorts(int http, int https, int admin) {
        return new RouterConfig(bindHost, http, https, adminHost, admin, baseDomain, stateDir, eventLoops,
                connectTimeoutMillis, requestTimeoutMillis, ejectMillis, ejectAfterFailures, maxHeaderBytes,
                maxBodyBytes, originKeepAliveSeconds, maxConnectionsPerOrigin, accessLog, healthIntervalMillis);
    }

    public RouterConfig withBindHost(String host) {
        return new RouterConfig(host, httpPort, httpsPort, adminHost, adminPort, baseDomain, stateDir, eventLoops,
                connectTimeoutMillis, requestTimeoutMillis, ejectMillis, ejectAfterFailures, maxHeaderBytes,
                maxBodyBytes, originKeepAliveSeconds, maxConnectionsPerOrigin, accessLog, healthIntervalMillis);
    }

    public RouterConfig withEjection(long millis, int afterFailures) {
        return new RouterConfig(bindHost, httpPort, httpsPort, adminHost, adminPort, baseDomain, stateDir, eventLoops,
                connectTimeoutMillis, requestTimeoutMillis, millis, afterFailures, maxHeaderBytes,
                maxBodyBytes, originKeepAliveSeconds, maxConnectionsPerOrigin, accessLog, healthIntervalMillis);
    }

    public RouterConfig withMaxBodyBytes(long max) {
        return new RouterConfig(bindHost, httpPort, httpsPort, adminHost, adminPort, baseDomain, stateDir, eventLoops,
                connectTimeoutMillis, requestTimeoutMillis, ejectMillis, ejectAfterFailures, maxHeaderBytes,
                max, originKeepAliveSeconds, maxConnectionsPerOrigin, accessLog, healthIntervalMillis);
    }

    public RouterConfig withAccessLog(String target) {
        return new RouterConfig(bindHost, httpPort, httpsPort, adminHost, adminPort, baseDomain, stateDir, eventLoops,
                connectTimeoutMillis, requestTimeoutMillis, ejectMillis, ejectAfterFailures, maxHeaderBytes,
                maxBodyBytes, originKeepAliveSeconds, maxConnectionsPerOrigin, target, healthIntervalMillis);
    }

    public RouterConfig withHealthIntervalMillis(long millis) {
        return new RouterConfig(bindHost, httpPort, httpsPort, adminHost, adminPort, baseDomain, stateDir, eventLoops,
                connectTimeoutMillis, requestTimeoutMillis, ejectMillis, ejectAfterFailures, maxHeaderBytes,
                maxBodyBytes, originKeepAliveSeconds, maxConnectionsPerOrigin, accessLog, millis);
    }

    public RouterConfig withOriginKeepAliveSeconds(int seconds) {
        return new RouterConfig(bindHost, httpPort, httpsPort, adminHost, adminPort, baseDomain, stateDir, eventLoops,
                connectTimeoutMillis, requestTimeoutMillis, ejectMillis, ejectAfterFailures, maxHeaderBytes,
                maxBodyBytes, seconds, maxConnectionsPerOrigin, accessLog, healthIntervalMillis);
    }

    public RouterConfig withRequestTimeoutMillis(long millis) {
        return new RouterConfig(bindHost, httpPort, httpsPort, adminHost, adminPort, baseDomain, stateDir, eventLoops,
                connectTimeoutMillis, millis, ejectMillis, ejectAfterFailures, maxHeaderBytes,
                maxBodyBytes, originKeepAliveSeconds, maxConnectionsPerOrigin, accessLog, healthIntervalMillis);
    }
}
