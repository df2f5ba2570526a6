package dev.gantry.platform.kubernetes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.gantry.platform.formation.FormationSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

/**
 * An app in a cluster: its config vars as a Secret; each process type with instances as a Deployment (replicas =
 * quantity, requests = limits = the size, Gantry's launcher running the type, a readiness probe for web, a rolling
 * update that never takes a ready pod away before its replacement is ready); and for web a Service (and, when
 * the app has host names, an Ingress).
 */
final class AppObjects {

    /** Long enough for the endpoint removal to reach the router before the app hears SIGTERM. */
    private static final String PRE_STOP_SLEEP = "sleep 3";

    private AppObjects() {
    }

    /**
     * @param templateRelease the release to name in the pod template: the one that introduced the running
     *                        fingerprint, so that a new release with the same code and config (a scale) changes
     *                        nothing in the template and rolls nothing
     */
    static List<HasMetadata> of(KubeApp app, int templateRelease, String imagePullSecret, String ingressClass) {
        String ns = Labels.namespace(app.tenant());
        List<HasMetadata> out = new ArrayList<>();
        out.add(new SecretBuilder().withNewMetadata().withName(Labels.configSecret(app.app())).withNamespace(ns)
                .withLabels(Labels.ofApp(app.tenant(), app.app())).endMetadata().withType("Opaque")
                .withStringData(new TreeMap<>(app.env())).build());
        for (var e : new TreeMap<>(app.formation()).entrySet()) {
            out.add(deployment(app, e.getKey(), e.getValue(), templateRelease, imagePullSecret));
        }
        if (app.formation().containsKey(Labels.WEB)) {
            out.add(new ServiceBuilder().withNewMetadata().withName(Labels.service(app.app())).withNamespace(ns)
                    .withLabels(Labels.ofApp(app.tenant(), app.app())).endMetadata().withNewSpec()
                    .withSelector(selector(app, Labels.WEB))
                    // v1.20's server-side apply answers 500 for a port without protocol: always name it
                    .addNewPort().withName("http").withProtocol("TCP").withPort(80)
                    .withTargetPort(new IntOrString(Labels.PORT)).endPort().endSpec().build());
            if (!app.hosts().isEmpty()) {
                out.add(ingress(app, ingressClass));
            }
        }
        return out;
    }

    /** Whether the app gets an Ingress: it has web instances to route to and host names to route by. */
    static boolean wantsIngress(KubeApp app) {
        return app.formation().containsKey(Labels.WEB) && !app.hosts().isEmpty();
    }

    /**
     * For clusters whose pod network the router cannot reach: one Ingress with a rule per host of the app
     * ({@code <app>.<tenant>.<base domain>} and its custom domains, wildcards included) to the web Service. The
     * router forwards the app's hosts to the cluster's ingress controller, which keeps the Host header.
     */
    private static Ingress ingress(KubeApp app, String ingressClass) {
        List<IngressRule> rules = new ArrayList<>();
        for (String host : app.hosts()) {
            rules.add(new IngressRuleBuilder().withHost(host).withNewHttp().addNewPath().withPath("/")
                    .withPathType("Prefix").withNewBackend().withNewService().withName(Labels.service(app.app()))
                    .withNewPort().withName("http").endPort().endService().endBackend().endPath().endHttp().build());
        }
        return new IngressBuilder().withNewMetadata().withName(Labels.service(app.app()))
                .withNamespace(Labels.namespace(app.tenant())).withLabels(Labels.ofApp(app.tenant(), app.app()))
                .endMetadata().withNewSpec().withIngressClassName(ingressClass).withRules(rules).endSpec().build();
    }

    static Deployment deployment(KubeApp app, String type, FormationSpec size, int templateRelease,
                                 String imagePullSecret) {
        Map<String, String> podLabels = new HashMap<>(Labels.ofType(app.tenant(), app.app(), type));
        podLabels.put(Labels.FINGERPRINT, app.fingerprint());
        DeploymentBuilder d = new DeploymentBuilder().withNewMetadata()
                .withName(Labels.deployment(app.app(), type)).withNamespace(Labels.namespace(app.tenant()))
                .withLabels(Labels.ofType(app.tenant(), app.app(), type))
                .withAnnotations(Map.of(Labels.RELEASE, String.valueOf(app.release())))
                .endMetadata()
                .withNewSpec().withReplicas(size.quantity())
                .withNewSelector().withMatchLabels(selector(app, type)).endSelector()
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0)).withMaxSurge(new IntOrString("25%"))
                .endRollingUpdate().endStrategy()
                .withRevisionHistoryLimit(5)
                .withNewTemplate().withNewMetadata().withLabels(podLabels)
                .withAnnotations(Map.of(Labels.RELEASE, String.valueOf(templateRelease))).endMetadata()
                .withNewSpec()
                .withTerminationGracePeriodSeconds(30L)
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L).withRunAsGroup(1000L)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .withContainers(container(app, type, size))
                .endSpec().endTemplate().endSpec();
        if (imagePullSecret != null) {
            d.editSpec().editTemplate().editSpec().addNewImagePullSecret(imagePullSecret).endSpec().endTemplate()
                    .endSpec();
        }
        return d.build();
    }

    private static Container container(KubeApp app, String type, FormationSpec size) {
        Map<String, Quantity> resources = Map.of("memory", new Quantity(size.memoryMb() + "Mi"),
                "cpu", new Quantity(size.millicpus() + "m"));
        ContainerBuilder c = new ContainerBuilder().withName(type).withImage(app.image())
                // the image's entrypoint is Gantry's launcher; its argument is the process type to run
                .withArgs(type)
                .withEnv(new EnvVar("PORT", String.valueOf(Labels.PORT), null),
                        new EnvVar("GANTRY_APP", app.app(), null), new EnvVar("DYNO", type, null))
                .addNewEnvFrom().withNewSecretRef().withName(Labels.configSecret(app.app())).endSecretRef().endEnvFrom()
                .withNewResources().withRequests(resources).withLimits(resources).endResources()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withRunAsNonRoot(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext();
        if (Labels.WEB.equals(type)) {
            c.addNewPort().withName("http").withContainerPort(Labels.PORT).withProtocol("TCP").endPort()
                    .withReadinessProbe(readiness(app.healthCheckPath()))
                    .withNewLifecycle().withNewPreStop().withNewExec().withCommand("/bin/sh", "-c", PRE_STOP_SLEEP)
                    .endExec().endPreStop().endLifecycle();
        }
        return c.build();
    }

    /** The app's health check path if it has one, else "accepts a connection on $PORT", as on the local engine. */
    private static Probe readiness(String healthCheckPath) {
        ProbeBuilder p = new ProbeBuilder().withPeriodSeconds(2).withFailureThreshold(3).withTimeoutSeconds(2);
        if (healthCheckPath != null) {
            p.withNewHttpGet().withPath(healthCheckPath).withPort(new IntOrString(Labels.PORT)).endHttpGet();
        } else {
            p.withNewTcpSocket().withPort(new IntOrString(Labels.PORT)).endTcpSocket();
        }
        return p.build();
    }

    private static Map<String, String> selector(KubeApp app, String type) {
        return Map.of(Labels.APP, app.app(), Labels.TYPE, type);
    }
}
