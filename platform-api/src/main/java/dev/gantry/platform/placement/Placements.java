package dev.gantry.platform.placement;

import dev.gantry.platform.GantryConfig;
import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.app.App;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Checks that a backend can take apps before a tenant or an app is placed on it. */
@ApplicationScoped
public class Placements {

    @Inject
    GantryConfig config;

    /** Whether the operator configured a cluster (a kubeconfig and a registry to push images to). */
    public boolean kubernetesConfigured() {
        return config.kubernetes().kubeconfig().isPresent() && config.kubernetes().registry().isPresent();
    }

    /** 422 unless {@code backend} can run apps here ({@code app} may be null for a whole tenant). */
    public void requireAvailable(Backend backend, App app) {
        if (backend == Backend.KUBERNETES && !kubernetesConfigured()) {
            throw new ApiException(422, "backend-unavailable", "No Kubernetes cluster is configured on this platform: "
                    + "the operator sets GANTRY_KUBERNETES_KUBECONFIG and GANTRY_KUBERNETES_REGISTRY (see docs/kubernetes.md).");
        }
    }
}
