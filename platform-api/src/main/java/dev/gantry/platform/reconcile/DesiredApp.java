package dev.gantry.platform.reconcile;

import java.util.List;
import java.util.Map;

import dev.gantry.platform.formation.FormationSpec;
import dev.gantry.platform.placement.Backend;

/**
 * What one app should run, as the database says: the image and config of its current release, its formation,
 * and the fingerprint that identifies this combination (with the restart generation) on the instances; and its
 * custom domains (for the Ingress of an app on a cluster the router routes to through its ingress controller).
 */
record DesiredApp(long appId, String tenant, String app, int release, String image, Map<String, String> env,
                  Map<String, FormationSpec> formation, String fingerprint, String healthCheckPath, boolean egress,
                  Backend backend, List<String> domains) {

    String key() {
        return app + "." + tenant;
    }

    boolean deployable() {
        return image != null;
    }

    /** The same app with nothing to run: every instance it has is surplus. */
    DesiredApp withoutFormation() {
        return withFormation(Map.of());
    }

    DesiredApp withFormation(Map<String, FormationSpec> other) {
        return new DesiredApp(appId, tenant, app, release, image, env, other, fingerprint, healthCheckPath, egress,
                backend, domains);
    }

    boolean onKubernetes() {
        return backend == Backend.KUBERNETES;
    }

    int quantity(String type) {
        FormationSpec f = formation.get(type);
        return f == null || !deployable() ? 0 : f.quantity();
    }
}
