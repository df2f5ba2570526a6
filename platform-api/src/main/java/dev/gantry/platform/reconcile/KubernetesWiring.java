package dev.gantry.platform.reconcile;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;

import dev.gantry.build.Builder;
import dev.gantry.build.registry.Credentials;
import dev.gantry.build.stack.DirectoryStack;
import dev.gantry.build.registry.RegistryClient;
import dev.gantry.platform.GantryConfig;
import dev.gantry.platform.kubernetes.KubernetesBackend;
import dev.gantry.platform.kubernetes.KubernetesSettings;
import dev.gantry.platform.logs.LogStore;
import dev.gantry.platform.placement.Placements;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Makes the Kubernetes side of the reconciler when the operator configured a cluster, and nothing otherwise:
 * without a cluster the platform loads no Kubernetes client at all (it costs memory even idle).
 */
@ApplicationScoped
class KubernetesWiring {

    private static final Logger LOG = Logger.getLogger(KubernetesWiring.class);

    @Inject
    GantryConfig config;

    @Inject
    Placements placements;

    @Inject
    Builder builder;

    @Inject
    LogStore logs;

    @Inject
    MeterRegistry metrics;

    @Inject
    AppEvents appEvents;

    Optional<KubernetesApps> create(Duration bootTimeout) {
        if (!placements.kubernetesConfigured()) {
            return Optional.empty();
        }
        GantryConfig.Kubernetes k = config.kubernetes();
        ClusterRouting routing = ClusterRouting.parse(k.routing(), k.ingressAddress(), config.baseDomain());
        KubernetesBackend backend = new KubernetesBackend(new KubernetesSettings(k.kubeconfig().orElseThrow(),
                k.name().orElse(null), k.imagePullSecret().orElse(null), routing.ingress() != null,
                k.ingressClass().orElse(null)));
        Credentials credentials = k.registryUsername().isPresent()
                ? Credentials.basic(k.registryUsername().get(), k.registryPassword().orElse(""))
                : Credentials.none();
        DirectoryStack stack = builder.stack() instanceof DirectoryStack d ? d : null;
        ImagePushes pushes = new ImagePushes(builder.images(), stack, new RegistryClient(), k.registry().orElseThrow(),
                credentials, logs, Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "image-pusher");
                    t.setDaemon(true);
                    return t;
                }));
        LOG.infof("apps placed on Kubernetes run on cluster '%s' (images pushed to %s, routing: %s)",
                backend.clusterName(), k.registry().get(), k.routing());
        // gantry_kubernetes_api_requests_total on /q/metrics: what the platform costs the API server
        FunctionCounter.builder("gantry.kubernetes.api.requests", backend, KubernetesBackend::apiCalls)
                .description("Requests the platform made to the Kubernetes API server").register(metrics);
        return Optional.of(new KubernetesApps(backend, pushes, logs, appEvents, bootTimeout, k.logInterval(),
                routing));
    }
}
