package dev.gantry.platform.reconcile;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.app.App;
import dev.gantry.platform.auth.Caller;
import dev.gantry.platform.event.Audit;
import dev.gantry.platform.release.Releases;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** What the reconciler tells the database: events in an app's audit trail, and automatic rollbacks. */
@ApplicationScoped
class AppEvents {

    private static final Logger LOG = Logger.getLogger(AppEvents.class);
    /** The platform itself, as the actor of what it does on its own. */
    static final Caller GANTRY = new Caller(null, null, "gantry");

    @Inject
    Audit audit;

    @Inject
    Releases releases;

    void record(long appId, String kind, String message) {
        QuarkusTransaction.requiringNew().run(() -> {
            App app = App.findById(appId);
            if (app != null) {
                audit.record(app, kind, message, GANTRY.label());
            }
        });
    }

    /** Makes a new release from {@code previous} because {@code failedVersion} never became healthy. */
    void rollBack(long appId, int failedVersion, int previous, String reason) {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                App app = App.findById(appId);
                if (app == null) {
                    return;
                }
                audit.record(app, "deploy.failed", "Release v" + failedVersion + " failed (" + reason
                        + "); rolling back to v" + previous + ", which keeps serving", GANTRY.label());
                releases.revertCode(app, previous, "automatic: v" + failedVersion + " never became healthy", GANTRY);
            });
        } catch (ApiException e) {
            LOG.warnf("automatic rollback of app %d to v%d refused: %s", appId, previous, e.getMessage());
            record(appId, "deploy.failed", "Automatic rollback to v" + previous + " was refused: " + e.getMessage());
        }
    }
}
