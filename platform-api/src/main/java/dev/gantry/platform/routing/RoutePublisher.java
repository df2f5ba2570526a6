package dev.gantry.platform.routing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.platform.GantryConfig;
import dev.gantry.platform.app.App;
import dev.gantry.platform.app.AppCreated;
import dev.gantry.platform.app.AppDeleted;
import dev.gantry.platform.domain.Domain;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Keeps the router's route table equal to the platform's apps: pushed whole (the router's API is idempotent
 * and versioned) at start, after every committed change, and every 30 s so a router that was down or lost its
 * state catches up. Pushes run on one background thread and coalesce, so requests never wait on the router.
 */
@ApplicationScoped
public class RoutePublisher {

    private static final Logger LOG = Logger.getLogger(RoutePublisher.class);
    private static final long RESYNC_SECONDS = 30;

    @Inject
    GantryConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    RoutedInstances routed;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicBoolean pending = new AtomicBoolean();
    private ScheduledExecutorService worker;
    private volatile boolean routerReachable = true;
    /** What the router confirmed last; both are touched only by the publisher thread. */
    private long lastVersion;
    private List<RouteTable.Route> lastApps;

    void start(@Observes StartupEvent event) {
        if (!enabled()) {
            return;
        }
        worker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "route-publisher"));
        worker.scheduleWithFixedDelay(this::publishNow, 0, RESYNC_SECONDS, TimeUnit.SECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.shutdownNow();
        }
    }

    void onCreated(@Observes AppCreated event) {
        requestPublish();
    }

    void onDeleted(@Observes AppDeleted event) {
        requestPublish();
    }

    /** Asks for a push soon; many requests while one is queued make one push. */
    public void requestPublish() {
        if (worker != null && pending.compareAndSet(false, true)) {
            worker.execute(this::publishNow);
        }
    }

    /** The apps as the database has them now, with the instances the reconciler routes to. */
    public RouteTable currentTable() {
        List<RouteTable.Route> routes = QuarkusTransaction.requiringNew().call(() -> App.<App>list(
                "select a from App a join fetch a.tenant order by a.tenant.name, a.name").stream()
                .map(a -> new RouteTable.Route(a.name + "." + a.tenant.name,
                        Domain.ofApp(a).stream().map(d -> d.hostname).toList(), instancesOf(a),
                        a.healthCheckPath == null ? null : Map.of("health_check_path", a.healthCheckPath)))
                .toList());
        return new RouteTable(0, routes);
    }

    private List<Map<String, Object>> instancesOf(App app) {
        return routed.of(app.id).stream().map(a -> Map.<String, Object>of("host", a.host(), "port", a.port()))
                .toList();
    }

    /**
     * Pushes the table now and returns once the router has it, so a caller can start draining what left it.
     *
     * @return false if the router could not be reached (or routing is off)
     */
    public boolean publishAndWait() {
        if (worker == null) {
            return false;
        }
        try {
            return worker.submit(this::publishNow).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    /**
     * Requests still in flight at the router for an instance (0 when it has none or the router does not know it);
     * -1 if the router cannot be asked.
     */
    public int inFlight(String host, int port) {
        if (!enabled()) {
            return -1;
        }
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(adminUrl() + "/v1/status"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return -1;
            }
            for (JsonNode i : json.readTree(response.body()).path("instances")) {
                if (i.path("host").asText().equals(host) && i.path("port").asInt() == port) {
                    return i.path("in_flight").asInt(0);
                }
            }
            return 0;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private boolean publishNow() {
        pending.set(false);
        try {
            RouteTable table = currentTable();
            long routerVersion = routes().path("version").asLong(0);
            // Skip when the router still holds what we last gave it: same version, same apps.
            if (routerVersion != lastVersion || !table.apps().equals(lastApps)) {
                long version = Math.max(routerVersion, lastVersion) + 1;
                put(table.withVersion(version));
                lastVersion = version;
                lastApps = table.apps();
            }
            if (!routerReachable) {
                LOG.info("the router is reachable again; route table pushed");
            }
            routerReachable = true;
            return true;
        } catch (IOException | RuntimeException e) {
            if (routerReachable) {
                LOG.warnf("cannot push routes to the router at %s (%s); retrying every %d s", adminUrl(),
                        e.getMessage(), RESYNC_SECONDS);
            }
            routerReachable = false;
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode routes() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(adminUrl() + "/v1/routes"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /v1/routes answered " + response.statusCode());
        }
        return json.readTree(response.body());
    }

    private void put(RouteTable table) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(adminUrl() + "/v1/routes"))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(table))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("PUT /v1/routes answered " + response.statusCode() + ": " + response.body());
        }
    }

    private String adminUrl() {
        return "http://127.0.0.1:" + config.routerAdminPort();
    }

    private boolean enabled() {
        return !"off".equalsIgnoreCase(config.router());
    }
}
