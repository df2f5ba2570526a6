package dev.gantry.platform.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gantry.platform.GantryConfig;
import dev.gantry.platform.app.AppDeleted;
import dev.gantry.platform.event.AppEvent;
import dev.gantry.platform.formation.FormationSpec;
import dev.gantry.platform.instance.Instance;
import dev.gantry.platform.instance.InstanceBackend;
import dev.gantry.platform.instance.InstanceLabels;
import dev.gantry.platform.instance.LaunchRequest;
import dev.gantry.platform.logs.LogStore;
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
 * Makes the instances that run match what the database asks for, continuously and right after every change.
 * One thread does every pass, so decisions never race; stopping instances (drain, SIGTERM, grace) happens on a
 * small pool beside it.
 *
 * <p>A pass: read desired state (on change, or every few seconds), list actual instances from the backend,
 * adopt instances it does not know yet (after a platform restart they are still running: they are health
 * checked, not restarted), handle exits (crash → backoff), health-check starting instances, launch what is
 * missing, retire what is surplus or outdated, publish the route table, then stop what left it.
 *
 * <p>Deploys are zero-downtime: instances of a new fingerprint start beside the old ones; the router keeps the
 * old ones until every new one passed its health check, then switches in one table push; old instances drain
 * and stop. If a new instance crashes or never becomes healthy while old ones serve, the deploy fails: the new
 * instances go and the app is rolled back to the release the old ones run.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    private static final long IDLE_TICK_MS = 1000;
    private static final long BUSY_TICK_MS = 200;
    private static final long RELOAD_MS = 5000;
    private static final long SAMPLE_MS = 3000;
    /** The one process type that gets HTTP traffic from the router. */
    static final String WEB = "web";
    /** Longer than any one-off run may last (its own time limit removes it sooner). */
    private static final Duration ABANDONED_RUN = Duration.ofMinutes(65);

    @Inject
    GantryConfig config;

    @Inject
    DesiredState desiredState;

    @Inject
    InstanceBackend backend;

    @Inject
    RoutedInstances routed;

    @Inject
    RoutePublisher publisher;

    @Inject
    LogStore logs;

    @Inject
    AppEvents appEvents;

    @Inject
    KubernetesWiring kubernetesWiring;

    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final Map<String, Long> logOffsets = new ConcurrentHashMap<>();
    /** Per app: a fingerprint whose deploy failed; it is not launched again until the release changes. */
    private final Map<Long, String> failed = new ConcurrentHashMap<>();
    private final Map<String, Quota> appliedQuotas = new ConcurrentHashMap<>();
    private final Rollouts rollouts = new Rollouts();
    /** Per app on Kubernetes: the last error reported (reported again only when it changes). */
    private final Map<Long, String> kubernetesErrors = new ConcurrentHashMap<>();
    /** Per app on Kubernetes: the release whose pods were last all ready (what a failed deploy rolls back to). */
    private final Map<Long, Integer> kubernetesLive = new ConcurrentHashMap<>();
    /** The cluster's apps; null when no cluster is configured. */
    private volatile KubernetesApps kubernetes;
    /** Apps whose current release has every wanted instance up, in this pass. */
    private final List<DesiredApp> liveApps = new ArrayList<>();
    private final AtomicBoolean dirty = new AtomicBoolean(true);
    private final AtomicInteger sequence = new AtomicInteger();

    private ScheduledExecutorService loop;
    private ExecutorService stoppers;
    private volatile DesiredState.Snapshot desired;
    private long loadedAt;
    private long loadedNanos;
    private long sampledAt;
    private long collectedAt;
    private Slot.Backoff backoff;

    void start(@Observes StartupEvent event) {
        if ("off".equalsIgnoreCase(config.instances().reconciler())) {
            LOG.info("the reconciler is off (gantry.instances.reconciler=off): no instances are started");
            return;
        }
        backoff = new Slot.Backoff(config.instances().immediateRestarts(), config.instances().backoffBase(),
                config.instances().backoffMax(), config.instances().stableAfter());
        stoppers = Executors.newFixedThreadPool(4, r -> daemon(r, "instance-stopper"));
        kubernetes = kubernetesWiring.create(config.instances().bootTimeout()).orElse(null);
        loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "reconciler"));
        loop.schedule(this::run, 0, TimeUnit.MILLISECONDS);
    }

    /** Containers outlive the platform on purpose: a restarted platform adopts them. */
    void stop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.shutdownNow();
            stoppers.shutdownNow();
        }
        KubernetesApps k = kubernetes;
        if (k != null) {
            k.close();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
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
     * @throws ApiException 422 with Kubernetes' reason if the cluster refuses; an unreachable cluster is not a
     *                      refusal (the reconciler reports and retries it)
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

    private void run() {
        try {
            pass();
        } finally {
            boolean busy = tracked.values().stream().anyMatch(t -> t.state != Tracked.State.UP)
                    || slots.values().stream().anyMatch(s -> s.waiting(Instant.now()));
            if (!loop.isShutdown()) {
                loop.schedule(this::run, busy ? BUSY_TICK_MS : IDLE_TICK_MS, TimeUnit.MILLISECONDS);
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
            converge(desired, backend.list());
        } catch (RuntimeException e) {
            LOG.warnf(e, "reconcile pass failed; retrying");
        }
    }

    private void converge(DesiredState.Snapshot d, List<Instance> actual) {
        Instant now = Instant.now();
        liveApps.clear();
        Map<Long, List<Instance>> byApp = new HashMap<>();
        for (Instance i : actual) {
            if (InstanceLabels.INSTANCE.equals(i.labels().role())) {
                byApp.computeIfAbsent(i.labels().appId(), k -> new ArrayList<>()).add(i);
            } else if (i.labels().launchedAt().isBefore(now.minus(ABANDONED_RUN))) {
                backend.remove(i.id()); // a one-off run whose caller is long gone (a platform restart mid-run)
            }
        }
        Set<String> seen = new HashSet<>();
        actual.forEach(i -> seen.add(i.id()));
        tracked.keySet().retainAll(seen);

        List<Tracked> retired = new ArrayList<>();
        Map<Long, List<RoutedInstances.Address>> routes = new HashMap<>();
        for (DesiredApp app : d.apps()) {
            List<Instance> instances = byApp.remove(app.appId());
            List<Instance> local = instances == null ? List.of() : instances;
            routes.put(app.appId(), app.onKubernetes() ? convergeOnKubernetes(app, local, now, retired, d)
                    : convergeLocally(app, local, now, retired));
        }
        KubernetesApps cluster = kubernetes;
        if (cluster != null) {
            cluster.removeMissing(d.apps(), d.tenantQuotas().keySet());
            cluster.shipLogs(d.apps());
        }
        // Instances of apps that no longer exist: nothing routes to them any more.
        byApp.forEach((appId, instances) -> {
            for (Instance i : instances) {
                backend.remove(i.id());
                tracked.remove(i.id());
                logOffsets.remove(i.id());
            }
            InstanceLabels l = instances.get(0).labels();
            backend.forget(l.tenant(), l.app());
            slots.keySet().removeIf(k -> k.startsWith(appId + "/"));
        });
        limitTenants(d.tenantQuotas());
        shipLogs(actual);
        sampleUsage();
        if (System.nanoTime() - collectedAt > TimeUnit.SECONDS.toNanos(30)) {
            collectedAt = System.nanoTime();
            backend.collectGarbage();
        }
        if (routed.replace(routes)) {
            publisher.publishAndWait();
        }
        for (DesiredApp app : liveApps) {
            rollouts.succeeded(app.appId(), app.fingerprint(), "release v" + app.release() + " is live");
        }
        liveApps.clear();
        retired.forEach(t -> stoppers.execute(() -> drainAndStop(t)));
    }

    /** Puts the tenant's quota on its cgroup now (before a build, which runs inside it). */
    public synchronized void limitTenant(String tenant, Quota quota) {
        backend.limitTenant(tenant, quota);
        appliedQuotas.put(tenant, quota);
    }

    /**
     * Keeps the tenant cgroups' limits equal to the quotas. A tenant gets its cgroup with its first instance (see
     * {@link #launch}), so tenants without instances cost the kernel nothing.
     */
    private void limitTenants(Map<String, Quota> quotas) {
        for (var e : quotas.entrySet()) {
            if (appliedQuotas.containsKey(e.getKey()) && !e.getValue().equals(appliedQuotas.get(e.getKey()))) {
                backend.limitTenant(e.getKey(), e.getValue());
                appliedQuotas.put(e.getKey(), e.getValue());
            }
        }
        for (String gone : new ArrayList<>(appliedQuotas.keySet())) {
            if (!quotas.containsKey(gone) && backend.forget(gone, null)) {
                appliedQuotas.remove(gone);
            }
        }
    }

    /**
     * An app on the local engine. If it was on the cluster before (moving back), the cluster's pods keep serving
     * until every local instance is up; then its objects there are deleted.
     */
    private List<RoutedInstances.Address> convergeLocally(DesiredApp app, List<Instance> local, Instant now,
                                                          List<Tracked> retired) {
        List<RoutedInstances.Address> route = convergeApp(app, local, now, retired);
        KubernetesApps k = kubernetes;
        if (k == null || !k.holds(app.appId())) {
            return route;
        }
        if (liveApps.contains(app)) {
            k.remove(app.appId(), app.tenant(), app.app());
            return route;
        }
        return k.lastRoutes(app.appId());
    }

    /**
     * An app on the Kubernetes cluster: its Deployments are applied and Kubernetes rolls its pods. Local
     * instances (the app just moved here) keep serving until every pod of the current release is ready, then
     * they drain and stop: moving between backends is a zero-downtime deploy. A release whose pods never become
     * ready is rolled back like on the local engine, if an older one is live there.
     */
    private List<RoutedInstances.Address> convergeOnKubernetes(DesiredApp app, List<Instance> local, Instant now,
                                                               List<Tracked> retired, DesiredState.Snapshot d) {
        KubernetesApps k = kubernetes;
        if (k == null) {
            rollouts.failed(app.appId(), app.fingerprint(), "the app is placed on Kubernetes, but no cluster is "
                    + "configured (GANTRY_KUBERNETES_KUBECONFIG, GANTRY_KUBERNETES_REGISTRY)");
            return localRoutes(app, local);
        }
        boolean blocked = app.fingerprint().equals(failed.get(app.appId()));
        KubernetesApps.Outcome o = k.converge(app, d.tenantQuotas().getOrDefault(app.tenant(), new Quota(null, null, null)),
                now, blocked);
        String message = "release v" + app.release() + " on Kubernetes cluster '" + k.clusterName() + "': ";
        if (o.error() != null) {
            if (!o.error().equals(kubernetesErrors.put(app.appId(), o.error()))) {
                appEvents.record(app.appId(), "kubernetes.error", message + o.error() + " (retrying)");
            }
            rollouts.failed(app.appId(), app.fingerprint(), message + o.error());
        } else {
            kubernetesErrors.remove(app.appId());
        }
        if (o.failure() != null && !blocked) {
            Integer previous = kubernetesLive.get(app.appId());
            rollouts.failed(app.appId(), app.fingerprint(), message + "failed: " + o.failure());
            appEvents.record(app.appId(), "instance.crash", message + o.failure());
            if (previous != null && previous != app.release()) {
                failed.put(app.appId(), app.fingerprint());
                appEvents.rollBack(app.appId(), app.release(), previous, o.failure());
                dirty.set(true);
            }
        }
        if (o.complete() && !blocked) {
            kubernetesLive.put(app.appId(), app.release());
            liveApps.add(app);
            rollouts.superseded(app.appId(), app.fingerprint(), loadedNanos);
            if (!local.isEmpty()) {
                convergeApp(app.withoutFormation(), local, now, retired); // every local instance drains and stops
            }
            return o.routes();
        }
        rollouts.superseded(app.appId(), app.fingerprint(), loadedNanos);
        List<RoutedInstances.Address> serving = localRoutes(app, local);
        return serving.isEmpty() ? o.routes() : serving;
    }

    /** Web instances on the local engine that are up: they serve while the app moves to the cluster. */
    private List<RoutedInstances.Address> localRoutes(DesiredApp app, List<Instance> local) {
        List<RoutedInstances.Address> out = new ArrayList<>();
        for (Instance i : local) {
            Tracked t = tracked.get(i.id());
            if (t != null && t.up() && i.running() && WEB.equals(i.labels().type())) {
                out.add(new RoutedInstances.Address(i.host(), i.port()));
            }
        }
        return out;
    }

    /** Converges one app; returns the addresses its traffic should go to. */
    private List<RoutedInstances.Address> convergeApp(DesiredApp app, List<Instance> instances, Instant now,
                                                      List<Tracked> retired) {
        String current = app.fingerprint();
        List<Tracked> live = new ArrayList<>();
        for (Instance i : instances) {
            Tracked t = tracked.get(i.id());
            if (!i.running()) {
                if (t == null || t.active()) {
                    crashed(app, i, i.exit().describe(), now);
                }
                continue;
            }
            if (t == null) {
                t = new Tracked(i, now, config.instances().bootTimeout());
                tracked.put(i.id(), t);
            }
            if (t.active()) {
                live.add(t);
            }
        }
        for (Tracked t : live) {
            if (t.state == Tracked.State.STARTING) {
                checkHealth(app, t, now, retired);
            } else if (t.up() && t.upSince != null && now.isAfter(t.upSince.plus(config.instances().stableAfter()))) {
                slot(app, t.labels().type(), t.labels().index()).reset();
            }
        }
        live.removeIf(t -> !t.active());

        List<RoutedInstances.Address> route = new ArrayList<>();
        boolean allUp = true;
        Set<String> types = new TreeSet<>(app.formation().keySet());
        live.forEach(t -> types.add(t.labels().type()));
        for (String type : types) {
            allUp &= convergeType(app, type, live, now, retired, route);
        }
        if (!app.fingerprint().equals(failed.get(app.appId())) && allUp) {
            liveApps.add(app); // told to waiters once the router has the new instances (see converge)
        }
        if (!app.fingerprint().equals(failed.get(app.appId()))) {
            rollouts.superseded(app.appId(), current, loadedNanos);
        }
        return route;
    }

    /** @return whether every wanted instance of the current fingerprint is up */
    private boolean convergeType(DesiredApp app, String type, List<Tracked> live, Instant now,
                                 List<Tracked> retired, List<RoutedInstances.Address> route) {
        String current = app.fingerprint();
        int want = app.quantity(type);
        List<Tracked> fresh = live.stream().filter(t -> t.labels().type().equals(type)
                && t.labels().fingerprint().equals(current)).sorted(Comparator.comparingInt(t -> t.labels().index()))
                .toList();
        List<Tracked> old = live.stream().filter(t -> t.labels().type().equals(type)
                && !t.labels().fingerprint().equals(current)).toList();

        Set<Integer> taken = new HashSet<>();
        for (Tracked t : fresh) {
            if (t.labels().index() > want || !taken.add(t.labels().index())) {
                retire(t, retired); // scaled down, or a duplicate of a slot
            }
        }
        boolean blocked = current.equals(failed.get(app.appId()));
        for (int index = 1; index <= want && !blocked; index++) {
            Slot slot = slot(app, type, index);
            if (!current.equals(slot.fingerprint)) {
                slot.fingerprint = current;
                slot.reset();
            }
            if (!taken.contains(index) && slot.mayStart(now)) {
                launch(app, type, index, slot);
            }
        }
        List<Tracked> freshUp = fresh.stream().filter(t -> t.up() && t.labels().index() <= want).toList();
        List<Tracked> oldUp = old.stream().filter(Tracked::up).toList();
        boolean complete = freshUp.size() >= want;
        List<RoutedInstances.Address> addresses = !WEB.equals(type) ? new ArrayList<>() : route;
        if (complete || oldUp.isEmpty()) {
            freshUp.forEach(t -> addresses.add(new RoutedInstances.Address(t.instance.host(), t.instance.port())));
            if (complete) {
                old.forEach(t -> retire(t, retired));
            }
        } else {
            oldUp.forEach(t -> addresses.add(new RoutedInstances.Address(t.instance.host(), t.instance.port())));
            old.stream().filter(t -> !t.up()).forEach(t -> retire(t, retired));
        }
        return complete;
    }

    /**
     * Only web processes get traffic, so only they are health-checked (as on Heroku); a worker is up as soon as
     * it runs, and a crash is its only failure.
     */
    private void checkHealth(DesiredApp app, Tracked t, Instant now, List<Tracked> retired) {
        Instance i = t.instance;
        boolean web = WEB.equals(i.labels().type());
        if (!web || HealthProbe.healthy(i.host(), i.port(), app.healthCheckPath(), app.key() + "." + config.baseDomain())) {
            t.state = Tracked.State.UP;
            t.upSince = now;
            logs.append(app.appId(), "gantry", i.labels().slot(), i.labels().slot() + " is up (release v"
                    + i.labels().release() + ", " + i.address() + ")");
            return;
        }
        if (now.isAfter(t.healthDeadline)) {
            String why = "did not pass its health check within " + config.instances().bootTimeout().toSeconds()
                    + " s (" + (app.healthCheckPath() == null ? "no connection accepted on $PORT"
                    : "GET " + app.healthCheckPath() + " did not answer 2xx/3xx") + ")";
            retire(t, retired);
            failure(app, t.instance, why, now);
        }
    }

    private void crashed(DesiredApp app, Instance i, String why, Instant now) {
        tracked.remove(i.id());
        shipLog(i);
        logOffsets.remove(i.id());
        backend.remove(i.id());
        failure(app, i, why, now);
    }

    /** An instance crashed or never became healthy: back off its slot, tell the user, maybe fail the deploy. */
    private void failure(DesiredApp app, Instance i, String why, Instant now) {
        InstanceLabels l = i.labels();
        Slot slot = slot(app, l.type(), l.index());
        slot.crashed(now, why, backoff);
        Duration wait = Duration.between(now, slot.nextStart);
        String message = l.slot() + " (release v" + l.release() + ") " + why
                + (wait.isZero() || wait.isNegative() ? "; restarting it" : "; restarting it in " + wait.toSeconds() + " s");
        appEvents.record(app.appId(), "instance.crash", message);
        if (!l.fingerprint().equals(app.fingerprint())) {
            return;
        }
        boolean oldServes = tracked.values().stream().anyMatch(t -> t.labels().appId() == app.appId() && t.up()
                && !t.labels().fingerprint().equals(app.fingerprint()));
        rollouts.failed(app.appId(), app.fingerprint(), "release v" + app.release() + " failed: " + message);
        if (oldServes) {
            failed.put(app.appId(), app.fingerprint());
            int previous = tracked.values().stream().filter(t -> t.labels().appId() == app.appId() && t.up()
                    && !t.labels().fingerprint().equals(app.fingerprint())).mapToInt(t -> t.labels().release())
                    .max().orElseThrow();
            for (Tracked t : tracked.values()) {
                if (t.labels().appId() == app.appId() && t.labels().fingerprint().equals(app.fingerprint())
                        && t.active()) {
                    t.state = Tracked.State.STOPPING;
                    stoppers.execute(() -> drainAndStop(t));
                }
            }
            appEvents.rollBack(app.appId(), app.release(), previous, message);
            dirty.set(true);
        }
    }

    private void launch(DesiredApp app, String type, int index, Slot slot) {
        String id = "g" + app.appId() + "-" + type + "." + index + "-"
                + Integer.toHexString(0x100000 + (int) (Math.random() * 0xEFFFFF));
        InstanceLabels labels = new InstanceLabels(InstanceLabels.INSTANCE, app.appId(), app.tenant(), app.app(),
                type, index, app.release(), app.fingerprint(), Instant.now());
        Map<String, String> env = new HashMap<>(app.env());
        env.put("GANTRY_APP", app.app());
        env.put("GANTRY_RELEASE", "v" + app.release());
        env.put("DYNO", labels.slot());
        var size = app.formation().get(type);
        try {
            if (!appliedQuotas.containsKey(app.tenant())) {
                limitTenant(app.tenant(), desired.tenantQuotas().getOrDefault(app.tenant(), new Quota(null, null, null)));
            }
            Instance i = backend.launch(new LaunchRequest(id, labels, app.image(), null, env, size.memoryMb(),
                    size.millicpus(), app.egress()));
            tracked.put(id, new Tracked(i, Instant.now(), config.instances().bootTimeout()));
            logs.append(app.appId(), "gantry", labels.slot(), "Starting " + labels.slot() + " (release v"
                    + app.release() + ") as " + id);
        } catch (RuntimeException e) {
            Instant now = Instant.now();
            slot.crashed(now, "could not start: " + e.getMessage(), backoff);
            String message = labels.slot() + " (release v" + app.release() + ") could not start: " + e.getMessage();
            appEvents.record(app.appId(), "instance.crash", message);
            rollouts.failed(app.appId(), app.fingerprint(), message);
        }
    }

    private void retire(Tracked t, List<Tracked> retired) {
        if (t.state != Tracked.State.STOPPING) {
            t.state = Tracked.State.STOPPING;
            retired.add(t);
        }
    }

    /** After the router took the instance out: waits for its requests in flight, then stops and removes it. */
    private void drainAndStop(Tracked t) {
        Instance i = t.instance;
        long deadline = System.nanoTime() + config.instances().drainTimeout().toNanos();
        try {
            while (System.nanoTime() < deadline && publisher.inFlight(i.host(), i.port()) > 0) {
                Thread.sleep(100);
            }
            Instance.Exit exit = backend.stop(i.id(), config.instances().stopGrace());
            shipLog(i);
            backend.remove(i.id());
            logs.append(i.labels().appId(), "gantry", i.labels().slot(), "Stopped " + i.labels().slot()
                    + " (release v" + i.labels().release() + ")" + (exit == null ? "" : ": " + exit.describe()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("could not stop instance %s: %s (the next pass retries)", i.id(), e.getMessage());
            t.state = Tracked.State.UP;
            return;
        }
        tracked.remove(i.id());
        logOffsets.remove(i.id());
    }

    private Slot slot(DesiredApp app, String type, int index) {
        return slots.computeIfAbsent(app.appId() + "/" + type + "/" + index, k -> new Slot());
    }

    private void shipLogs(List<Instance> actual) {
        for (Instance i : actual) {
            if (InstanceLabels.INSTANCE.equals(i.labels().role()) && i.running()) {
                shipLog(i);
            }
        }
    }

    /** Moves new output of an instance into its app's log stream (source {@code app}, the instance's name). */
    private void shipLog(Instance i) {
        long offset = logOffsets.computeIfAbsent(i.id(), k -> 0L);
        InstanceBackend.LogChunk chunk = backend.readLog(i.id(), offset);
        for (InstanceBackend.LogEntry e : chunk.entries()) {
            logs.append(i.labels().appId(), "app", i.labels().slot(), e.text());
        }
        logOffsets.put(i.id(), chunk.nextOffset());
    }

    private void sampleUsage() {
        long now = System.nanoTime();
        if (now - sampledAt < TimeUnit.MILLISECONDS.toNanos(SAMPLE_MS)) {
            return;
        }
        sampledAt = now;
        for (Tracked t : tracked.values()) {
            backend.usage(t.id()).ifPresent(u -> t.sample(u.cpuNanos(), u.memoryBytes(), System.nanoTime()));
        }
    }

    /** The name ({@code web.1}) of the instance listening at {@code host:port}, if it is one of ours. */
    public Optional<String> slotAt(String address) {
        return tracked.values().stream().filter(t -> t.instance.address().equals(address))
                .map(t -> t.labels().slot()).findFirst();
    }

    /** The app's instances and crashed slots, for the API. */
    public List<InstanceView> instances(long appId) {
        Instant now = Instant.now();
        List<InstanceView> out = new ArrayList<>();
        Set<String> occupied = new HashSet<>();
        for (Tracked t : tracked.values()) {
            InstanceLabels l = t.labels();
            if (l.appId() != appId) {
                continue;
            }
            occupied.add(l.type() + "/" + l.index());
            Slot s = slots.get(appId + "/" + l.type() + "/" + l.index());
            out.add(new InstanceView(t.id(), l.slot(), l.type(), t.state.name().toLowerCase(), l.release(),
                    t.instance.host(), t.instance.port(), l.launchedAt(), s == null ? 0 : s.restarts,
                    t.lastCpuNanos < 0 ? null : Math.round(t.cpuCores * 1000) / 1000.0,
                    t.lastCpuNanos < 0 ? null : t.memoryBytes, s == null ? null : s.lastExit, null));
        }
        slots.forEach((key, s) -> {
            String[] k = key.split("/");
            if (Long.parseLong(k[0]) == appId && !occupied.contains(k[1] + "/" + k[2]) && s.waiting(now)) {
                out.add(new InstanceView(null, k[1] + "." + k[2], k[1], "crashed", null, null, null, null,
                        s.restarts, null, null, s.lastExit, s.nextStart));
            }
        });
        KubernetesApps k = kubernetes;
        if (k != null) {
            out.addAll(k.instances(appId));
        }
        out.sort(Comparator.comparing(InstanceView::type).thenComparing(InstanceView::name)
                .thenComparing(v -> v.startedAt() == null ? Instant.MAX : v.startedAt()));
        return out;
    }
}
