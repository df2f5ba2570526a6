package dev.gantry.platform.run;

import java.time.Duration;
import java.util.Optional;

import dev.gantry.platform.instance.Instance;
import dev.gantry.platform.instance.InstanceBackend;
import dev.gantry.platform.instance.LaunchRequest;
import dev.gantry.platform.quota.Quota;
import dev.gantry.platform.reconcile.Reconciler;

/** A one-off run in a container of Gantry's engine, inside its tenant's cgroup. */
final class LocalRunTarget implements RunTarget {

    private final InstanceBackend engine;
    private final Reconciler reconciler;
    private final Quota tenantQuota;

    LocalRunTarget(InstanceBackend engine, Reconciler reconciler, Quota tenantQuota) {
        this.engine = engine;
        this.reconciler = reconciler;
        this.tenantQuota = tenantQuota;
    }

    @Override
    public void start(LaunchRequest request) {
        reconciler.limitTenant(request.labels().tenant(), tenantQuota); // runs count in the tenant's budget
        engine.launch(request);
    }

    @Override
    public Optional<Instance.Exit> awaitExit(String id, Duration timeout) {
        return engine.awaitExit(id, timeout);
    }

    @Override
    public void stop(String id) {
        engine.stop(id, Duration.ofSeconds(5));
    }

    @Override
    public InstanceBackend.LogChunk readLog(String id, long offset) {
        return engine.readLog(id, offset);
    }

    @Override
    public void remove(String id) {
        engine.remove(id);
    }
}
