package dev.gantry.platform.reconcile;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.gantry.platform.placement.Backend;
import dev.gantry.platform.quota.Quota;
import dev.gantry.platform.routing.RoutedInstances;

/**
 * The seam between the reconciler and where instances run: {@link LocalApps} (Gantry's own engine, the default)
 * and {@link KubernetesApps} (a cluster). The reconciler owns desired state, rollouts, rollbacks and the route
 * table; a backend only moves one app's instances towards what it is given and says how far it got.
 *
 * <p>Every method runs on the reconciler's thread. A pass calls {@link #startPass}, then {@link #converge} for
 * each app placed on this backend (and {@link #serving} / {@link #release} for apps moving away from it), then
 * {@link #finishPass}, and {@link #routesPublished} once the router has the new table.
 */
interface AppBackend {

    /**
     * What one pass on one app achieved.
     *
     * @param routes     where the app's web traffic may go now
     * @param complete   every wanted instance of the current release is up
     * @param failure    why the current release failed in this pass (a crash, a hopeless pod), or null
     * @param rollBackTo the release that still serves and the app should roll back to, if the failure is fatal
     * @param error      the backend itself failed (a cluster unreachable); it is retried
     */
    record Progress(List<RoutedInstances.Address> routes, boolean complete, String failure, Integer rollBackTo,
                    String error) {

        static final Progress NOTHING = new Progress(List.of(), false, null, null, null);
    }

    Backend kind();

    /** Called first in every pass, before any other method. */
    default void startPass(Instant now) {
    }

    /**
     * Moves the app's instances here towards {@code app}.
     *
     * @param blocked the app's current release failed and is being rolled back: start nothing new of it
     */
    Progress converge(DesiredApp app, Quota tenantQuota, Instant now, boolean blocked);

    /** Whether the app still has instances here. */
    boolean holds(long appId);

    /** Where the app's instances here serve now: they keep serving while the app moves to the other backend. */
    List<RoutedInstances.Address> serving(DesiredApp app);

    /** The app moved to the other backend and runs there: its instances here drain and go. */
    void release(DesiredApp app, Instant now);

    /** Called last in every pass: removes what belongs to no app or tenant any more, copies logs. */
    void finishPass(List<DesiredApp> apps, Map<String, Quota> tenantQuotas);

    /** The router has the table of this pass: instances taken out of it may drain now. */
    default void routesPublished() {
    }

    /** The app's instances here, for the API and the dashboard. */
    List<InstanceView> instances(long appId);

    /** Waits for nothing; frees what the backend holds (clients, threads). */
    default void close() {
    }
}
