package dev.gantry.platform.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.instance.InstanceBackend;
import dev.gantry.platform.kubernetes.AppState;
import dev.gantry.platform.kubernetes.Endpoint;
import dev.gantry.platform.kubernetes.KubeApp;
import dev.gantry.platform.kubernetes.KubernetesBackend;
import dev.gantry.platform.kubernetes.KubernetesFailure;
import dev.gantry.platform.kubernetes.PodState;
import dev.gantry.platform.kubernetes.TypeState;
import dev.gantry.platform.logs.LogStore;
import dev.gantry.platform.placement.Backend;
import dev.gantry.platform.quota.Quota;
import dev.gantry.platform.routing.RoutedInstances;

/**
 * Converges the apps placed on the Kubernetes cluster, declaratively: the app's desired state becomes
 * Deployments (through {@link KubernetesBackend#applyApp}), and Kubernetes itself rolls pods with
 * {@code maxUnavailable: 0}; this class reads back what runs (from the backend's watch caches) and turns it into
 * what the rest of the platform knows: routes (ready pod endpoints), rollout outcomes, instance views and logs.
 *
 * <p>Runs on the reconciler's thread only. A cluster that fails is retried per app with a doubling delay, so a
 * down cluster costs one attempt per app per minute at most, and local apps never wait for it.
 */
final class KubernetesApps implements AppBackend {

    private static final Duration REAPPLY = Duration.ofSeconds(60);
    private static final Duration RETRY_MAX = Duration.ofSeconds(60);

    private final KubernetesBackend kube;
    private final ImagePushes pushes;
    private final LogStore logs;
    private final AppEvents appEvents;
    private final KubernetesRuns runs;
    private final Duration bootTimeout;
    private final Duration logInterval;
    /** {@code endpoints}: routes go straight to ready pods; {@code ingress}: to the ingress controller. */
    private final ClusterRouting routing;

    private final Map<Long, Applied> applied = new ConcurrentHashMap<>();
    private final Map<Long, Retry> retries = new ConcurrentHashMap<>();
    private final Map<String, Quota> tenantQuotas = new ConcurrentHashMap<>();
    private final Map<Long, AppState> states = new ConcurrentHashMap<>();
    private final Map<String, Long> logOffsets = new ConcurrentHashMap<>();
    private final Map<String, Long> logReadAt = new ConcurrentHashMap<>();
    /** Log reads per interval, whatever the number of pods: what log copying may cost the API server. */
    static final int LOG_REQUESTS_PER_INTERVAL = 20;
    /** Reads pod logs off the reconciler's thread, one batch at a time. */
    private final ExecutorService logReader = Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "kubernetes-log-reader");
                t.setDaemon(true);
                return t;
            });
    private final AtomicBoolean logReading = new AtomicBoolean();
    private long loggedAt;

    /** Per app: the failure last recorded as an event (recorded again only when it changes). */
    private final Map<Long, String> reported = new ConcurrentHashMap<>();
    /** Per app: the release whose pods were last all ready (what a failed release rolls back to). */
    private final Map<Long, Integer> live = new ConcurrentHashMap<>();

    KubernetesApps(KubernetesBackend kube, ImagePushes pushes, LogStore logs, AppEvents appEvents,
                   Duration bootTimeout, Duration logInterval, ClusterRouting routing) {
        this.kube = kube;
        this.pushes = pushes;
        this.logs = logs;
        this.appEvents = appEvents;
        this.runs = new KubernetesRuns(kube, pushes);
        this.bootTimeout = bootTimeout;
        this.logInterval = logInterval;
        this.routing = routing;
    }

    @Override
    public Backend kind() {
        return Backend.KUBERNETES;
    }

    /** One-off runs of the cluster's apps, as Jobs. */
    KubernetesRuns runs() {
        return runs;
    }

    String clusterName() {
        return kube.clusterName();
    }

    /** What was applied for an app, and since when its current fingerprint has been waited for. */
    private record Applied(KubeApp spec, Instant at, Instant fingerprintSince) {
    }

    private static final class Retry {
        int failures;
        Instant next = Instant.MIN;
        String lastError;
    }

    /**
     * Applies the app (after its image is in the registry) and reports its state. Never throws for cluster
     * failures: they come back as {@link Progress#error()}, named after the cluster.
     */
    @Override
    public Progress converge(DesiredApp app, Quota quota, Instant now, boolean blocked) {
        Outcome o = apply(app, quota, now, blocked);
        String where = "release v" + app.release() + " on Kubernetes cluster '" + kube.clusterName() + "': ";
        String error = o.error() == null ? null : where + o.error();
        if (blocked) {
            return new Progress(o.routes(), false, null, null, error);
        }
        if (o.failure() != null) {
            if (!o.failure().equals(reported.put(app.appId(), o.failure()))) {
                appEvents.record(app.appId(), "instance.crash", where + o.failure()); // once, not every pass
            }
            Integer previous = live.get(app.appId());
            return new Progress(o.routes(), false, o.failure() + " (Kubernetes cluster '" + kube.clusterName() + "')",
                    previous != null && previous != app.release() ? previous : null, error);
        }
        reported.remove(app.appId());
        if (o.complete()) {
            live.put(app.appId(), app.release());
        }
        return new Progress(o.routes(), o.complete(), null, null, error);
    }

    /** What one pass found on the cluster for one app. */
    private record Outcome(List<RoutedInstances.Address> routes, boolean complete, String failure, String error) {
    }

    private Outcome apply(DesiredApp app, Quota quota, Instant now, boolean blocked) {
        Retry retry = retries.computeIfAbsent(app.appId(), k -> new Retry());
        if (!app.deployable()) {
            return new Outcome(List.of(), false, null, null); // no image released yet: nothing to run anywhere
        }
        if (blocked) {
            // its release failed and is being rolled back: leave the cluster as it is, just watch it
            AppState state = states.get(app.appId());
            return state == null ? new Outcome(List.of(), false, null, null) : fromState(app, state, now, null);
        }
        if (now.isBefore(retry.next)) {
            return fromState(app, states.get(app.appId()), now, retry.lastError);
        }
        try {
            ImagePushes.Status push = pushes.ensure(app);
            if (push.failed() != null) {
                return retryLater(app, retry, now, push.failed());
            }
            if (!push.done()) {
                return fromState(app, states.get(app.appId()), now, null); // the old release keeps serving meanwhile
            }
            if (!quota.equals(tenantQuotas.get(app.tenant()))) {
                kube.applyTenant(app.tenant(), quota);
                tenantQuotas.put(app.tenant(), quota);
            }
            KubeApp spec = new KubeApp(app.tenant(), app.app(), app.release(), app.fingerprint(), push.reference(),
                    app.env(), app.formation(), app.healthCheckPath(), routing.hosts(app));
            Applied last = applied.get(app.appId());
            if (last == null || !last.spec().equals(spec) || now.isAfter(last.at().plus(REAPPLY))) {
                kube.applyApp(spec); // server-side apply: unchanged objects cost the cluster nothing
                Instant since = last != null && last.spec().fingerprint().equals(spec.fingerprint())
                        ? last.fingerprintSince() : now;
                applied.put(app.appId(), new Applied(spec, now, since));
            }
            AppState state = kube.state(app.tenant(), app.app());
            states.put(app.appId(), state);
            retry.failures = 0;
            retry.lastError = null;
            return fromState(app, state, now, null);
        } catch (KubernetesFailure e) {
            return retryLater(app, retry, now, e.getMessage());
        }
    }

    private Outcome retryLater(DesiredApp app, Retry retry, Instant now, String error) {
        retry.failures++;
        long seconds = Math.min(RETRY_MAX.toSeconds(), 1L << Math.min(retry.failures - 1, 6));
        retry.next = now.plusSeconds(seconds);
        retry.lastError = error;
        return fromState(app, states.get(app.appId()), now, error);
    }

    private Outcome fromState(DesiredApp app, AppState state, Instant now, String error) {
        if (state == null) {
            return new Outcome(List.of(), false, null, error);
        }
        boolean complete = true;
        String failure = null;
        for (var e : app.formation().entrySet()) {
            int want = app.quantity(e.getKey());
            TypeState t = state.types().stream().filter(s -> s.type().equals(e.getKey())).findFirst().orElse(null);
            if (want == 0) {
                complete &= t == null || t.total() == 0;
                continue;
            }
            if (t == null || t.desired() != want || !t.complete(app.fingerprint())) {
                complete = false;
            }
            if (t != null && t.failureReason() != null && app.fingerprint().equals(t.fingerprint())) {
                failure = e.getKey() + ": " + t.failureReason();
            }
        }
        for (PodState p : state.pods()) {
            if (app.fingerprint().equals(p.fingerprint()) && p.reason() != null && KubernetesBackend.HOPELESS.contains(p.reason())) {
                failure = "pod " + p.name() + " is in " + p.reason();
            }
        }
        Applied a = applied.get(app.appId());
        if (!complete && failure == null && a != null && a.spec().fingerprint().equals(app.fingerprint())
                && now.isAfter(a.fingerprintSince().plus(bootTimeout))) {
            failure = "not every pod became ready within " + bootTimeout.toSeconds() + " s";
        }
        List<RoutedInstances.Address> routes = List.of();
        try {
            routes = routes(app.tenant(), app.app());
        } catch (KubernetesFailure e) {
            error = error != null ? error : e.getMessage();
        }
        return new Outcome(routes, complete && app.deployable(), failure, error);
    }

    /**
     * Where the router sends the app's traffic: its ready web pods, or (ingress routing) the cluster's ingress
     * controller once at least one web pod is ready.
     */
    private List<RoutedInstances.Address> routes(String tenant, String app) {
        List<RoutedInstances.Address> routes = new ArrayList<>();
        for (Endpoint ep : kube.readyEndpoints(tenant, app)) {
            routes.add(new RoutedInstances.Address(ep.ip(), ep.port()));
        }
        return routing.ingress() == null || routes.isEmpty() ? routes : List.of(routing.ingress());
    }

    /** See {@link Reconciler#checkOnKubernetes}. */
    void check(DesiredApp app) {
        Applied a = applied.get(app.appId());
        String image = a != null ? a.spec().image() : app.image();
        try {
            kube.check(new KubeApp(app.tenant(), app.app(), app.release(), app.fingerprint(), image, app.env(),
                    app.formation(), app.healthCheckPath(), routing.hosts(app)));
        } catch (KubernetesFailure e) {
            if (e.rejected()) {
                throw new ApiException(422, "kubernetes-rejected", "Kubernetes cluster '" + e.cluster()
                        + "' would not run this: " + e.getMessage().replaceFirst("^cluster '[^']*': ", ""));
            }
            // unreachable, or not there yet (404: the namespace comes with the first deploy): not a refusal
        }
    }

    /** Whether this platform placed the app on the cluster (and has not removed it since). */
    @Override
    public boolean holds(long appId) {
        return applied.containsKey(appId) || states.containsKey(appId);
    }

    /** Where the app's pods serve (while it moves back to the local engine). */
    @Override
    public List<RoutedInstances.Address> serving(DesiredApp app) {
        Applied a = applied.get(app.appId());
        if (a == null) {
            return List.of();
        }
        try {
            return routes(a.spec().tenant(), a.spec().app());
        } catch (KubernetesFailure e) {
            return List.of(); // the cluster is gone: nothing there serves anyway
        }
    }

    @Override
    public void release(DesiredApp app, Instant now) {
        remove(app.appId(), app.tenant(), app.app());
    }

    @Override
    public void finishPass(List<DesiredApp> apps, Map<String, Quota> tenantQuotas) {
        removeMissing(apps, tenantQuotas.keySet());
        shipLogs(apps);
    }

    /**
     * Deletes from the cluster the apps that no longer exist (or have no release any more), and the namespaces
     * of tenants that no longer exist.
     */
    private void removeMissing(List<DesiredApp> desired, Set<String> tenants) {
        for (String gone : Set.copyOf(tenantQuotas.keySet())) {
            if (!tenants.contains(gone)) {
                try {
                    kube.deleteTenant(gone);
                    tenantQuotas.remove(gone);
                } catch (KubernetesFailure e) {
                    // the next pass tries again
                }
            }
        }
        Set<Long> ids = new HashSet<>();
        desired.forEach(a -> ids.add(a.appId()));
        for (var e : Map.copyOf(applied).entrySet()) {
            if (!ids.contains(e.getKey())) {
                remove(e.getKey(), e.getValue().spec().tenant(), e.getValue().spec().app());
            }
        }
    }

    /** Removes the app from the cluster (it moved to the local engine, or was deleted). */
    private void remove(long appId, String tenant, String app) {
        try {
            kube.deleteApp(tenant, app);
            live.remove(appId);
            applied.remove(appId);
            states.remove(appId);
            retries.remove(appId);
        } catch (KubernetesFailure e) {
            // the next pass tries again
        }
    }

    /** The app's pods as instances, for the API and the dashboard. */
    @Override
    public List<InstanceView> instances(long appId) {
        AppState state = states.get(appId);
        if (state == null) {
            return List.of();
        }
        List<InstanceView> out = new ArrayList<>();
        for (PodState p : state.pods()) {
            String s = p.reason() != null ? kebab(p.reason()) : p.ready() ? "up" : "starting";
            out.add(new InstanceView(p.name(), p.name(), p.type(), s, p.release(), p.ip(), p.port(),
                    p.startedAt(), p.restarts(), null, null, null, null));
        }
        return out;
    }

    /**
     * Copies new pod output into the apps' log streams: every {@code logInterval}, at most
     * {@link #LOG_REQUESTS_PER_INTERVAL} pods, the ones read longest ago first. Kubernetes has no log stream for
     * many pods at once, so each pod costs a request; with many pods each is read less often, and nothing is lost
     * (the next read starts where the last one ended). The reads happen on a thread of their own: a slow API
     * server or kubelet must not hold up the reconciler (20 reads of a second each would freeze every app's
     * convergence for 20 s).
     */
    private void shipLogs(List<DesiredApp> apps) {
        long nowNanos = System.nanoTime();
        if (nowNanos - loggedAt < logInterval.toNanos() || !logReading.compareAndSet(false, true)) {
            return;
        }
        loggedAt = nowNanos;
        record Due(DesiredApp app, PodState pod, String key, long readAt) {
        }
        List<Due> due = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (DesiredApp app : apps) {
            AppState state = states.get(app.appId());
            Retry retry = retries.get(app.appId());
            if (state == null || retry != null && retry.lastError != null) {
                continue; // nothing yet, or the cluster is failing: logs wait for the next good pass
            }
            for (PodState p : state.pods()) {
                if ("Running".equals(p.phase())) {
                    String key = app.tenant() + "/" + p.name();
                    seen.add(key);
                    due.add(new Due(app, p, key, logReadAt.getOrDefault(key, 0L)));
                }
            }
        }
        due.sort(Comparator.comparingLong(Due::readAt));
        List<Due> now = List.copyOf(due.subList(0, Math.min(LOG_REQUESTS_PER_INTERVAL, due.size())));
        now.forEach(d -> logReadAt.put(d.key(), nowNanos));
        logOffsets.keySet().retainAll(seen);
        logReadAt.keySet().retainAll(seen);
        try {
            logReader.execute(() -> {
                try {
                    for (Due d : now) {
                        readLog(d.app().appId(), d.app().tenant(), d.pod().name(), d.key());
                    }
                } finally {
                    logReading.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            logReading.set(false); // closing
        }
    }

    private void readLog(long appId, String tenant, String pod, String key) {
        try {
            InstanceBackend.LogChunk chunk = kube.readLog(tenant, pod, logOffsets.getOrDefault(key, 0L));
            for (InstanceBackend.LogEntry e : chunk.entries()) {
                logs.append(appId, "app", pod, e.text());
            }
            logOffsets.put(key, chunk.nextOffset());
        } catch (KubernetesFailure e) {
            // logs of a pod that is going away, or a cluster that is down: try at the next interval
        }
    }

    long apiCalls() {
        return kube.apiCalls();
    }

    private static String kebab(String reason) {
        return reason.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
    }

    @Override
    public void close() {
        logReader.shutdownNow();
        kube.close();
    }
}
