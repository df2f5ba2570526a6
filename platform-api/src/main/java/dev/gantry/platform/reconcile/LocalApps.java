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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.gantry.platform.GantryConfig;
import dev.gantry.platform.instance.Instance;
import dev.gantry.platform.instance.InstanceBackend;
import dev.gantry.platform.instance.InstanceLabels;
import dev.gantry.platform.instance.LaunchRequest;
import dev.gantry.platform.logs.LogStore;
import dev.gantry.platform.placement.Backend;
import dev.gantry.platform.quota.Quota;
import dev.gantry.platform.routing.RoutePublisher;
import dev.gantry.platform.routing.RoutedInstances;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * The apps that run on Gantry's own engine: one instance per slot of the formation ({@code web.1}, {@code web.2},
 * …), each in its container, health-checked before it gets traffic.
 *
 * <p>Adopts instances it does not know yet (after a platform restart they still run: they are health checked,
 * not restarted), handles exits (crash → Cloud Foundry's backoff), launches what is missing and retires what is
 * surplus or outdated. A new release starts beside the old one; the old instances keep the route until every new
 * one passed its health check, then drain and stop. A new instance that crashes or never becomes healthy while
 * old ones serve fails the release: the new instances go, and {@link Progress#rollBackTo()} names the release the
 * old ones run.
 */
@ApplicationScoped
class LocalApps implements AppBackend {

    private static final Logger LOG = Logger.getLogger(LocalApps.class);
    private static final long SAMPLE_MS = 3000;
    /** The one process type that gets HTTP traffic from the router. */
    static final String WEB = "web";
    /** Longer than any one-off run may last (its own time limit removes it sooner). */
    private static final Duration ABANDONED_RUN = Duration.ofMinutes(65);

    @Inject
    GantryConfig config;

    @Inject
    InstanceBackend engine;

    @Inject
    RoutePublisher publisher;

    @Inject
    LogStore logs;

    @Inject
    AppEvents appEvents;

    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final Map<String, Long> logOffsets = new ConcurrentHashMap<>();
    private final Map<String, Quota> appliedQuotas = new ConcurrentHashMap<>();
    /** Taken out of the route table in this pass: they drain and stop once the router has the new table. */
    private final List<Tracked> retired = new ArrayList<>();
    /** This pass's instances, by app; what is left after every app's pass belongs to deleted apps. */
    private final Map<Long, List<Instance>> byApp = new HashMap<>();
    private List<Instance> actual = List.of();
    private ExecutorService stoppers;
    private Slot.Backoff backoff;
    private long sampledAt;
    private long collectedAt;

    /** What one app's pass found out, beyond its routes. */
    private static final class Pass {
        boolean blocked;
        boolean complete;
        String failure;
        Integer rollBackTo;
    }

    @Override
    public Backend kind() {
        return Backend.LOCAL;
    }

    private synchronized ExecutorService stoppers() {
        if (stoppers == null) {
            stoppers = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "instance-stopper");
                t.setDaemon(true);
                return t;
            });
            backoff = new Slot.Backoff(config.instances().immediateRestarts(), config.instances().backoffBase(),
                    config.instances().backoffMax(), config.instances().stableAfter());
        }
        return stoppers;
    }

    @PreDestroy
    @Override
    public synchronized void close() {
        if (stoppers != null) {
            stoppers.shutdownNow();
        }
    }

    @Override
    public void startPass(Instant now) {
        stoppers();
        actual = engine.list();
        byApp.clear();
        for (Instance i : actual) {
            if (InstanceLabels.INSTANCE.equals(i.labels().role())) {
                byApp.computeIfAbsent(i.labels().appId(), k -> new ArrayList<>()).add(i);
            } else if (i.labels().launchedAt().isBefore(now.minus(ABANDONED_RUN))) {
                engine.remove(i.id()); // a one-off run whose caller is long gone (a platform restart mid-run)
            }
        }
        Set<String> seen = new HashSet<>();
        actual.forEach(i -> seen.add(i.id()));
        tracked.keySet().retainAll(seen);
    }

    @Override
    public Progress converge(DesiredApp app, Quota tenantQuota, Instant now, boolean blocked) {
        Pass pass = new Pass();
        pass.blocked = blocked;
        List<Instance> instances = byApp.remove(app.appId());
        List<RoutedInstances.Address> route = convergeApp(app, instances == null ? List.of() : instances, tenantQuota,
                now, pass);
        return new Progress(route, pass.complete, pass.failure, pass.rollBackTo, null);
    }

    @Override
    public boolean holds(long appId) {
        return byApp.containsKey(appId) || tracked.values().stream().anyMatch(t -> t.labels().appId() == appId);
    }

    /** Web instances that are up: they serve while the app moves to the cluster. */
    @Override
    public List<RoutedInstances.Address> serving(DesiredApp app) {
        List<RoutedInstances.Address> out = new ArrayList<>();
        for (Instance i : byApp.getOrDefault(app.appId(), List.of())) {
            Tracked t = tracked.get(i.id());
            if (t != null && t.up() && i.running() && WEB.equals(i.labels().type())) {
                out.add(new RoutedInstances.Address(i.host(), i.port()));
            }
        }
        return out;
    }

    @Override
    public void release(DesiredApp app, Instant now) {
        converge(app.withoutFormation(), new Quota(null, null, null), now, true); // every instance drains and stops
    }

    @Override
    public void finishPass(List<DesiredApp> apps, Map<String, Quota> tenantQuotas) {
        apps.forEach(a -> byApp.remove(a.appId())); // placed elsewhere, but still serving here while they move
        // Instances of apps that no longer exist: nothing routes to them any more.
        byApp.forEach((appId, instances) -> {
            for (Instance i : instances) {
                engine.remove(i.id());
                tracked.remove(i.id());
                logOffsets.remove(i.id());
            }
            InstanceLabels l = instances.get(0).labels();
            engine.forget(l.tenant(), l.app());
            slots.keySet().removeIf(k -> k.startsWith(appId + "/"));
        });
        byApp.clear();
        limitTenants(tenantQuotas);
        shipLogs(actual);
        sampleUsage();
        if (System.nanoTime() - collectedAt > TimeUnit.SECONDS.toNanos(30)) {
            collectedAt = System.nanoTime();
            engine.collectGarbage();
        }
    }

    @Override
    public void routesPublished() {
        retired.forEach(t -> stoppers().execute(() -> drainAndStop(t)));
        retired.clear();
    }

    /** Whether an instance is starting or a crashed slot waits to restart (the reconciler then ticks faster). */
    boolean busy() {
        Instant now = Instant.now();
        return tracked.values().stream().anyMatch(t -> t.state != Tracked.State.UP)
                || slots.values().stream().anyMatch(s -> s.waiting(now));
    }

    /** Puts the tenant's quota on its cgroup now (before a build or a run, which run inside it). */
    void limitTenant(String tenant, Quota quota) {
        engine.limitTenant(tenant, quota);
        appliedQuotas.put(tenant, quota);
    }

    /**
     * Keeps the tenant cgroups' limits equal to the quotas. A tenant gets its cgroup with its first instance (see
     * {@link #launch}), so tenants without instances cost the kernel nothing.
     */
    private void limitTenants(Map<String, Quota> quotas) {
        for (var e : quotas.entrySet()) {
            if (appliedQuotas.containsKey(e.getKey()) && !e.getValue().equals(appliedQuotas.get(e.getKey()))) {
                limitTenant(e.getKey(), e.getValue());
            }
        }
        for (String gone : new ArrayList<>(appliedQuotas.keySet())) {
            if (!quotas.containsKey(gone) && engine.forget(gone, null)) {
                appliedQuotas.remove(gone);
            }
        }
    }

    /** Converges one app; returns the addresses its traffic should go to. */
    private List<RoutedInstances.Address> convergeApp(DesiredApp app, List<Instance> instances, Quota quota,
                                                      Instant now, Pass pass) {
        List<Tracked> live = new ArrayList<>();
        for (Instance i : instances) {
            Tracked t = tracked.get(i.id());
            if (!i.running()) {
                if (t == null || t.active()) {
                    crashed(app, i, i.exit().describe(), now, pass);
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
                checkHealth(app, t, now, pass);
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
            allUp &= convergeType(app, type, live, quota, now, pass, route);
        }
        pass.complete = allUp && !pass.blocked;
        return route;
    }

    /** @return whether every wanted instance of the current fingerprint is up */
    private boolean convergeType(DesiredApp app, String type, List<Tracked> live, Quota quota, Instant now,
                                 Pass pass, List<RoutedInstances.Address> route) {
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
                retire(t); // scaled down, or a duplicate of a slot
            }
        }
        for (int index = 1; index <= want && !pass.blocked; index++) {
            Slot slot = slot(app, type, index);
            if (!current.equals(slot.fingerprint)) {
                slot.fingerprint = current;
                slot.reset();
            }
            if (!taken.contains(index) && slot.mayStart(now)) {
                launch(app, type, index, slot, quota, pass);
            }
        }
        List<Tracked> freshUp = fresh.stream().filter(t -> t.up() && t.active() && t.labels().index() <= want)
                .toList();
        List<Tracked> oldUp = old.stream().filter(Tracked::up).toList();
        boolean complete = freshUp.size() >= want;
        List<RoutedInstances.Address> addresses = !WEB.equals(type) ? new ArrayList<>() : route;
        if (complete || oldUp.isEmpty()) {
            freshUp.forEach(t -> addresses.add(new RoutedInstances.Address(t.instance.host(), t.instance.port())));
            if (complete) {
                old.forEach(this::retire);
            }
        } else {
            oldUp.forEach(t -> addresses.add(new RoutedInstances.Address(t.instance.host(), t.instance.port())));
            old.stream().filter(t -> !t.up()).forEach(this::retire);
        }
        return complete;
    }

    /**
     * Only web processes get traffic, so only they are health-checked (as on Heroku); a worker is up as soon as
     * it runs, and a crash is its only failure.
     */
    private void checkHealth(DesiredApp app, Tracked t, Instant now, Pass pass) {
        Instance i = t.instance;
        boolean web = WEB.equals(i.labels().type());
        if (!web || HealthProbe.healthy(i.host(), i.port(), app.healthCheckPath(), app.key() + "." + config.baseDomain())) {
            t.state = Tracked.State.UP;
            t.upSince = now;
            endBoost(app, t);
            logs.append(app.appId(), "gantry", i.labels().slot(), i.labels().slot() + " is up (release v"
                    + i.labels().release() + ", " + i.address() + ")");
            return;
        }
        if (now.isAfter(t.healthDeadline)) {
            String why = "did not pass its health check within " + config.instances().bootTimeout().toSeconds()
                    + " s (" + (app.healthCheckPath() == null ? "no connection accepted on $PORT"
                    : "GET " + app.healthCheckPath() + " did not answer 2xx/3xx") + ")";
            retire(t);
            failure(app, t.instance, why, now, pass);
        }
    }

    /** The instance is up: from now on its size's CPU applies, not the startup boost. */
    private void endBoost(DesiredApp app, Tracked t) {
        var size = app.formation().get(t.labels().type());
        if (size == null) {
            return; // its type left the formation: it is being retired anyway
        }
        try {
            engine.limitCpu(t.instance, size.millicpus());
        } catch (RuntimeException e) {
            LOG.warnf("could not end the startup CPU boost of %s: %s", t.id(), e.getMessage());
        }
    }

    private void crashed(DesiredApp app, Instance i, String why, Instant now, Pass pass) {
        tracked.remove(i.id());
        shipLog(i);
        logOffsets.remove(i.id());
        engine.remove(i.id());
        failure(app, i, why, now, pass);
    }

    /** An instance crashed or never became healthy: back off its slot, tell the user, maybe fail the release. */
    private void failure(DesiredApp app, Instance i, String why, Instant now, Pass pass) {
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
        pass.failure = message;
        Optional<Integer> serving = tracked.values().stream().filter(t -> t.labels().appId() == app.appId()
                && t.up() && !t.labels().fingerprint().equals(app.fingerprint())).map(t -> t.labels().release())
                .max(Integer::compare);
        if (serving.isPresent() && !pass.blocked) {
            // an older release still serves: give up on this one now rather than restart it in a loop
            pass.blocked = true;
            pass.rollBackTo = serving.get();
            for (Tracked t : tracked.values()) {
                if (t.labels().appId() == app.appId() && t.labels().fingerprint().equals(app.fingerprint())
                        && t.active()) {
                    t.state = Tracked.State.STOPPING;
                    stoppers().execute(() -> drainAndStop(t));
                }
            }
        }
    }

    private void launch(DesiredApp app, String type, int index, Slot slot, Quota quota, Pass pass) {
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
                limitTenant(app.tenant(), quota);
            }
            Instance i = engine.launch(new LaunchRequest(id, labels, app.image(), null, env, size.memoryMb(),
                    size.millicpus(), app.egress(), config.instances().bootMillicpus()));
            tracked.put(id, new Tracked(i, Instant.now(), config.instances().bootTimeout()));
            logs.append(app.appId(), "gantry", labels.slot(), "Starting " + labels.slot() + " (release v"
                    + app.release() + ") as " + id);
        } catch (RuntimeException e) {
            slot.crashed(Instant.now(), "could not start: " + e.getMessage(), backoff);
            String message = labels.slot() + " (release v" + app.release() + ") could not start: " + e.getMessage();
            appEvents.record(app.appId(), "instance.crash", message);
            pass.failure = message;
        }
    }

    private void retire(Tracked t) {
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
            Instance.Exit exit = engine.stop(i.id(), config.instances().stopGrace());
            shipLog(i);
            engine.remove(i.id());
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

    private void shipLogs(List<Instance> instances) {
        for (Instance i : instances) {
            if (InstanceLabels.INSTANCE.equals(i.labels().role()) && i.running()) {
                shipLog(i);
            }
        }
    }

    /** Moves new output of an instance into its app's log stream (source {@code app}, the instance's name). */
    private void shipLog(Instance i) {
        long offset = logOffsets.computeIfAbsent(i.id(), k -> 0L);
        InstanceBackend.LogChunk chunk = engine.readLog(i.id(), offset);
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
            engine.usage(t.id()).ifPresent(u -> t.sample(u.cpuNanos(), u.memoryBytes(), System.nanoTime()));
        }
    }

    /** The name ({@code web.1}) of the instance listening at {@code address}, if it is one of ours. */
    Optional<String> slotAt(String address) {
        return tracked.values().stream().filter(t -> t.instance.address().equals(address))
                .map(t -> t.labels().slot()).findFirst();
    }

    @Override
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
        return out;
    }
}
