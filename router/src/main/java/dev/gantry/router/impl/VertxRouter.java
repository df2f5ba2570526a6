package dev.gantry.router.impl;

import dev.gantry.router.InstanceStatus;
import dev.gantry.router.RouteTable;
import dev.gantry.router.Router;
import dev.gantry.router.RouterConfig;
import dev.gantry.router.RouterException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The router on Vert.x's event loops: the plain-HTTP listener ({@link WireServer}), one
 * {@link ProxyVerticle} per event loop sharing the HTTPS port, an admin server, and the current {@link Routes} behind a volatile field that updates replace whole
 * (readers never lock; a request sees either the old table or the new one).
 */
public final class VertxRouter implements Router {

    private static final Logger LOG = Logger.getLogger(VertxRouter.class.getName());
    private static final long START_TIMEOUT_SECONDS = 30;

    private final RouterConfig config;
    private final TableStore store;
    private final UpstreamRegistry registry = new UpstreamRegistry();
    private final Metrics metrics = new Metrics();
    private AccessLog accessLog;
    private HealthChecker health;
    private List<ProxyVerticle> proxies = List.of();
    private WireServer wire;
    private volatile Routes routes = Routes.EMPTY;
    private Vertx vertx;
    private HttpServer admin;
    private int httpPort = -1;
    private int httpsPort = -1;

    public VertxRouter(RouterConfig config) {
        this.config = config;
        this.store = new TableStore(config.stateDir());
    }

    RouterConfig config() {
        return config;
    }

    Routes routes() {
        return routes;
    }

    UpstreamRegistry registry() {
        return registry;
    }

    /** The app serving a host and, if one was available, the instance now counting the request as in flight. */
    record Pick(Pool pool, Upstream upstream) {
    }

    /**
     * Looks up {@code host} in the current table and begins a request on one of its instances not in
     * {@code tried}. Null when no app has the host; a null upstream when none of its instances is available.
     * Both data paths pick here, so neither can pick from a table that an update has just replaced.
     */
    Pick pick(String host, java.util.Set<Upstream> tried, long nowNanos) {
        while (true) {
            Routes snapshot = routes;
            Pool pool = snapshot.lookup(host);
            if (pool == null) {
                return null;
            }
            Upstream u = pool.pick(tried, nowNanos);
            if (u == null) {
                return new Pick(pool, null);
            }
            u.begin();
            if (routes == snapshot) {
                return new Pick(pool, u);
            }
            // The table changed between lookup and begin(): u may already count as drained and be
            // stopped by the platform, so pick again from the new table.
            registry.ended(u);
        }
    }

    /** Where a plain-HTTP request goes when its app redirects to HTTPS. */
    String httpsLocation(String hostHeader, String target) {
        return "https://" + Routes.normalize(hostHeader) + (httpsPort == 443 ? "" : ":" + httpsPort) + target;
    }

    Metrics metrics() {
        return metrics;
    }

    /** Null when the access log is off. */
    AccessLog accessLog() {
        return accessLog;
    }

    @Override
    public synchronized void start() {
        if (vertx != null) {
            throw new RouterException(RouterException.Code.START_FAILED, "router already started");
        }
        store.load().ifPresent(saved -> {
            try {
                routes = Routes.compile(saved, config.baseDomain(), registry, config.requestTimeoutMillis());
                LOG.info("loaded saved route table version " + saved.version() + " (" + saved.apps().size()
                        + " apps) from " + store.file());
            } catch (RouterException e) {
                LOG.log(Level.WARNING, "saved route table does not fit this configuration, starting empty: "
                        + e.getMessage());
            }
        });
        accessLog = AccessLog.open(config.accessLog());
        vertx = Vertx.vertx(new VertxOptions()
                .setPreferNativeTransport(true)
                .setEventLoopPoolSize(config.eventLoops())
                .setWorkerPoolSize(2)
                .setInternalBlockingPoolSize(2));
        if (!vertx.isNativeTransportEnabled()) {
            LOG.info("native epoll transport not available, using NIO: " + vertx.unavailableNativeTransportCause());
        }
        try {
            wire = new WireServer(this, vertx);
            wire.listen(config.bindHost(), config.httpPort());
            httpPort = wire.port();
            if (config.httpsPort() >= 0) {
                // One verticle per event loop on the same port. Vert.x shares a listening socket among
                // servers with the same host:port; for a random port it does so when the port is
                // negative ("-2: one random port shared"), which is what port 0 becomes here.
                int tlsPort = config.httpsPort() == 0 ? -2 : config.httpsPort();
                PemKeyCertOptions certificates = TlsCertificates.load(config.stateDir().resolve("tls"),
                        config.baseDomain());
                List<ProxyVerticle> verticles = new CopyOnWriteArrayList<>();
                await(vertx.deployVerticle(() -> {
                    ProxyVerticle v = new ProxyVerticle(this, tlsPort, certificates);
                    verticles.add(v);
                    return v;
                }, new DeploymentOptions().setInstances(config.eventLoops())), "bind HTTPS port " + config.httpsPort());
                proxies = List.copyOf(verticles);
                httpsPort = verticles.get(0).actualHttpsPort();
            }
            if (!isLoopback(config.adminHost())) {
                LOG.warning("admin API bound to " + config.adminHost() + ", which is not loopback: anyone who "
                        + "reaches it can change routes");
            }
            admin = vertx.createHttpServer(new HttpServerOptions().setHost(config.adminHost())
                    .setPort(config.adminPort()));
            admin.requestHandler(new AdminApi(this, vertx));
            await(admin.listen(), "bind admin port " + config.adminHost() + ":" + config.adminPort());
            if (config.healthIntervalMillis() > 0) {
                health = new HealthChecker(this, vertx, config.healthIntervalMillis());
                health.start(config.healthIntervalMillis());
            }
        } catch (RouterException e) {
            close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new RouterException(RouterException.Code.START_FAILED, "interrupted while starting", e);
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static <T> T await(Future<T> f, String what) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new RouterException(RouterException.Code.START_FAILED, "cannot " + what + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new RouterException(RouterException.Code.START_FAILED, "timed out trying to " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RouterException(RouterException.Code.START_FAILED, "interrupted trying to " + what, e);
        }
    }

    @Override
    public int httpPort() {
        return httpPort;
    }

    @Override
    public int httpsPort() {
        return httpsPort;
    }

    @Override
    public int adminPort() {
        return admin == null ? -1 : admin.actualPort();
    }

    @Override
    public RouteTable table() {
        return routes.table();
    }

    @Override
    public synchronized boolean update(RouteTable table) {
        RouteTable current = routes.table();
        if (table.version() < current.version()) {
            throw new RouterException(RouterException.Code.STALE_VERSION, "version " + table.version()
                    + " is older than version " + current.version() + " already in force");
        }
        if (table.version() == current.version()) {
            if (table.equals(current)) {
                return false;
            }
            throw new RouterException(RouterException.Code.STALE_VERSION, "version " + table.version()
                    + " is already in force with different content; send a higher version");
        }
        Routes.validate(table, config.baseDomain());
        store.save(table); // saved before applied: what serves is always what a restart would load
        routes = Routes.compile(table, config.baseDomain(), registry, config.requestTimeoutMillis());
        LOG.fine(() -> "route table version " + table.version() + " applied");
        return true;
    }

    /** Certificate names (file stems) in the TLS directory. */
    List<String> certificates() {
        return TlsCertificates.names(config.stateDir().resolve("tls"));
    }

    /**
     * Installs (or replaces) a PEM pair and reloads the HTTPS listeners. If the listeners reject the
     * new set (bad PEM, key not matching), the previous files are put back.
     */
    synchronized Future<Void> installCertificate(String name, String certPem, String keyPem) {
        if (httpsPort < 0) {
            return Future.failedFuture(new RouterException(RouterException.Code.INVALID_TABLE,
                    "HTTPS is disabled on this router"));
        }
        java.nio.file.Path dir = config.stateDir().resolve("tls");
        TlsCertificates.Backup backup;
        try {
            backup = TlsCertificates.write(dir, name, certPem, keyPem);
        } catch (RouterException e) {
            return Future.failedFuture(e);
        }
        return reloadCertificates().recover(err -> {
            backup.restore();
            return reloadCertificates().transform(ignored -> Future.failedFuture(new RouterException(
                    RouterException.Code.INVALID_TABLE, "certificate " + name + " rejected: " + err.getMessage(), err)));
        });
    }

    private Future<Void> reloadCertificates() {
        PemKeyCertOptions pem;
        try {
            pem = TlsCertificates.load(config.stateDir().resolve("tls"), config.baseDomain());
        } catch (RouterException e) {
            return Future.failedFuture(e);
        }
        List<Future<Boolean>> updates = new java.util.ArrayList<>();
        for (ProxyVerticle p : proxies) {
            updates.add(p.updateCertificates(pem));
        }
        return Future.all(updates).mapEmpty();
    }

    @Override
    public List<InstanceStatus> status() {
        return registry.status(System.nanoTime());
    }

    @Override
    public synchronized void close() {
        if (vertx == null) {
            return;
        }
        if (health != null) {
            health.stop();
        }
        if (wire != null) {
            wire.close();
            wire = null;
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "router did not close cleanly", e);
        } finally {
            vertx = null;
            if (accessLog != null) {
                accessLog.close();
            }
        }
    }
}
