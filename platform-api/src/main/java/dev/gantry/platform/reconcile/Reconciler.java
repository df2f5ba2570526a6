package dev.gantry.platform.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.gantry.platform.GantryConfig;
import dev.gantry.platform.app.AppDeleted;
import dev.gantry.platform.event.AppEvent;
import dev.gantry.platform.formation.FormationSpec;
import dev.gantry.platform.quota.Quota;
import dev.gantry.platform.routing.RoutePublisher;
import dev.gantry.platform.routing.RoutedInstances;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Makes what runs match what the database asks for, continuously and right after every change. One thread does
 * every pass, so decisions never race.
 *
 * <p>A pass: read desired state (on change, or every few seconds); converge each app on the {@link AppBackend}
 * it is placed on (the local engine or the Kubernetes cluster); publish the route table; then let the backends
 * drain what left it. The reconciler owns what is the same on every backend: rollouts that callers wait for,
 * automatic rollbacks, moves between backends and the route table.
 *
 * <p>Deploys are zero-downtime: the new release's instances start beside the old ones, which keep the route
 * until every new one is up. A release that fails while an older one serves is rolled back to it. Moving an app
 * to the other backend is such a deploy too: the instances on the old backend serve until every one on the new
 * backend is up, then go.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    private static final long IDLE_TICK_MS = 1000;
    private static final long BUSY_TICK_MS = 200;
    private static final long RELOAD_MS = 5000;
    private static final Quota UNLIMITED = new Quota(null, null, null);

    @Inject
    GantryConfig config;

    @Inject
    DesiredState desiredState;

    @Inject
    LocalApps local;

    @Inject
    RoutedInstances routed;

    @Inject
    RoutePublisher publisher;

    @Inject
    AppEvents appEvents;

    @Inject
    KubernetesWiring kubernetesWiring;

    /** Per app: a fingerprint whose deploy failed; it is not launched again until the release changes. */
    private final Map<Long, String> failed = new ConcurrentHashMap<>();
    /** Per app: the last backend error reported (reported again only when it changes). */
    private final Map<Long, String> errors = new ConcurrentHashMap<>();
    private final Rollouts rollouts = new Rollouts();
    private final AtomicBoolean dirty = new AtomicBoolean(true);

    /** The cluster's apps; null when no cluster is configured. */
    private volatile KubernetesApps kubernetes;
    private ScheduledExecutorService loop;
    private volatile DesiredState.Snapshot desired;
    private long loadedAt;
    private long loadedNanos;

    void start(@Observes StartupEvent event) {
        if ("off".equalsIgnoreCase(config.instances().reconciler())) {
            LOG.info("the reconciler is off (gantry.instances.reconciler=off): no instances are started");
            return;
        }
        kubernetes = kubernetesWiring.create(config.instances().bootTimeout()).orElse(null);
        loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reconciler");
            t.setDaemon(true);
            return t;
        });
        loop.schedule(this::run, 0, TimeUnit.MILLISECONDS);
    }

    /** Containers outlive the platform on purpose: a restarted platform adopts them. */
    void stop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.shutdownNow();
        }
        local.close();
        KubernetesApps k = kubernetes;
        if (k != null) {
            k.close();
        }
    }

    /** Every release, scale and config change is audited; each may change what should run. */
    void onAppEvent(@Observes AppEvent event) {
        wake();
    }

    void onAppDeleted(@Observes AppDeleted event) {
        wake();
    }

    /** Desired state changed: reload it and converge soon. */
    public void wake() {
        dirty.set(true);
        ScheduledExecutorService l = loop;
        if (l != null && !l.isShutdown()) {
            l.schedule(this::pass, 0, TimeUnit.MILLISECONDS);
        }
    }

    /** Waits until every wanted instance of the app's current release is up, or its deploy failed. */
    public Rollouts.Outcome awaitRollout(long appId, String fingerprint, Duration timeout) {
        CompletableFuture<Rollouts.Outcome> f = rollouts.register(appId, fingerprint);
        wake();
        return Rollouts.await(f, timeout);
    }

    /**
     * For an app on Kubernetes: asks the cluster, changing nothing, whether it would run {@code formation}
     * (admission, LimitRanges and quotas of the namespace, including ones the operator added).
     *
     * @throws dev.gantry.platform.api.ApiException 422 with Kubernetes' reason if the cluster refuses; an
     *         unreachable cluster is not a refusal (the reconciler reports and retries it)
     */
    public void checkOnKubernetes(long appId, Map<String, FormationSpec> formation) {
        KubernetesApps k = kubernetes;
        DesiredState.Snapshot d = desired;
        if (k == null || d == null) {
            return;
        }
        d.apps().stream().filter(a -> a.appId() == appId && a.deployable()).findFirst()
                .ifPresent(a -> k.check(a.withFormation(formation)));
    }

    /** The fingerprint the app's current release would give its instances (null before the first load). */
    public String fingerprintOf(long appId) {
        return desiredState.load().apps().stream().filter(a -> a.appId() == appId).map(DesiredApp::fingerprint)
                .findFirst().orElse(null);
    }

    /** Puts the tenant's quota on its cgroup now (before a build or a run, which run inside it). */
    public synchronized void limitTenant(String tenant, Quota quota) {
        local.limitTenant(tenant, quota);
    }

    /** Where one-off runs of apps on the cluster happen; empty when no cluster is configured. */
    public Optional<dev.gantry.platform.run.RunTarget> kubernetesRuns() {
        KubernetesApps k = kubernetes;
        return k == null ? Optional.empty() : Optional.of(k.runs());
    }

    /** The name ({@code web.1}) of the local instance listening at {@code host:port}, if it is one of ours. */
    public Optional<String> slotAt(String address) {
        return local.slotAt(address);
    }

    /** The app's instances on every backend, and its crashed slots, for the API. */
    public List<InstanceView> instances(long appId) {
        List<InstanceView> out = new ArrayList<>();
        for (AppBackend b : backends()) {
            out.addAll(b.instances(appId));
        }
        out.sort(Comparator.comparing(InstanceView::type).thenComparing(InstanceView::name)
                .thenComparing(v -> v.startedAt() == null ? Instant.MAX : v.startedAt()));
        return out;
    }

    private List<AppBackend> backends() {
        KubernetesApps k = kubernetes;
        return k == null ? List.of(local) : List.of(local, k);
    }

    private void run() {
        try {
            pass();
        } finally {
            if (!loop.isShutdown()) {
                loop.schedule(this::run, local.busy() ? BUSY_TICK_MS : IDLE_TICK_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** One convergence pass; never throws (a failing pass is logged and retried on the next tick). */
    synchronized void pass() {
        try {
            long now = System.currentTimeMillis();
            if (dirty.getAndSet(false) || desired == null || now - loadedAt > RELOAD_MS) {
                loadedNanos = System.nanoTime();
                desired = desiredState.load();
                loadedAt = now;
            }
            converge(desired);
        } catch (RuntimeException e) {
            LOG.warnf(e, "reconcile pass failed; retrying");
        }
    }

    private void converge(DesiredState.Snapshot d) {
        Instant now = Instant.now();
        List<AppBackend> backends = backends();
        backends.forEach(b -> b.startPass(now));
        Map<Long, List<RoutedInstances.Address>> routes = new HashMap<>();
        List<DesiredApp> liveApps = new ArrayList<>();
        for (DesiredApp app : d.apps()) {
            Quota quota = d.tenantQuotas().getOrDefault(app.tenant(), UNLIMITED);
            routes.put(app.appId(), convergeApp(app, quota, now, backends, liveApps));
        }
        backends.forEach(b -> b.finishPass(d.apps(), d.tenantQuotas()));
        if (routed.replace(routes)) {
            publisher.publishAndWait();
        }
        for (DesiredApp app : liveApps) {
            rollouts.succeeded(app.appId(), app.fingerprint(), "release v" + app.release() + " is live");
        }
        backends.forEach(AppBackend::routesPublished);
    }

    /**
     * Converges one app on its backend; returns where its traffic should go. While the app moves from the other
     * backend, the instances there keep serving until every one on the new backend is up.
     */
    private List<RoutedInstances.Address> convergeApp(DesiredApp app, Quota quota, Instant now,
                                                      List<AppBackend> backends, List<DesiredApp> liveApps) {
        AppBackend home = backends.stream().filter(b -> b.kind() == app.backend()).findFirst().orElse(null);
        List<AppBackend> others = backends.stream().filter(b -> b != home && b.holds(app.appId())).toList();
        if (home == null) {
            rollouts.failed(app.appId(), app.fingerprint(), "the app is placed on Kubernetes, but no cluster is "
                    + "configured (GANTRY_KUBERNETES_KUBECONFIG, GANTRY_KUBERNETES_REGISTRY)");
            return others.isEmpty() ? List.of() : others.get(0).serving(app);
        }
        boolean blocked = app.fingerprint().equals(failed.get(app.appId()));
        AppBackend.Progress p = home.converge(app, quota, now, blocked);
        report(app, p, blocked);
        if (!blocked) {
            rollouts.superseded(app.appId(), app.fingerprint(), loadedNanos);
        }
        if (p.complete() && !blocked) {
            liveApps.add(app); // told to waiters once the router has the new instances (see converge)
            others.forEach(o -> o.release(app, now));
            return p.routes();
        }
        for (AppBackend o : others) {
            List<RoutedInstances.Address> serving = o.serving(app);
            if (!serving.isEmpty()) {
                return serving;
            }
        }
        return p.routes();
    }

    /** Tells waiters and the audit trail what went wrong, and rolls a failed release back. */
    private void report(DesiredApp app, AppBackend.Progress p, boolean blocked) {
        if (p.error() != null) {
            if (!p.error().equals(errors.put(app.appId(), p.error()))) {
                appEvents.record(app.appId(), app.backend().id() + ".error", p.error() + " (retrying)");
            }
            rollouts.failed(app.appId(), app.fingerprint(), p.error());
        } else {
            errors.remove(app.appId());
        }
        if (p.failure() == null || blocked) {
            return;
        }
        rollouts.failed(app.appId(), app.fingerprint(), "release v" + app.release() + " failed: " + p.failure());
        if (p.rollBackTo() != null) {
            failed.put(app.appId(), app.fingerprint());
            appEvents.rollBack(app.appId(), app.release(), p.rollBackTo(), p.failure());
            dirty.set(true);
        }
    }
}
