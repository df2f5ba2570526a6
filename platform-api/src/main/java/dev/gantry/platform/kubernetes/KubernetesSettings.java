package dev.gantry.platform.kubernetes;

import java.nio.file.Path;

/**
 * How to reach the operator's cluster: a kubeconfig, the name to call the cluster in messages (null: the
 * kubeconfig's current context), the image pull Secret each tenant namespace holds (null: none needed), and
 * whether web apps get an Ingress per host (the {@code ingress} routing), with which IngressClass (null: the
 * cluster's default).
 */
public record KubernetesSettings(Path kubeconfig, String name, String imagePullSecret, boolean ingress,
                                 String ingressClass) {

    /** Routing straight to pod endpoints: no Ingress. */
    public KubernetesSettings(Path kubeconfig, String name, String imagePullSecret) {
        this(kubeconfig, name, imagePullSecret, false, null);
    }
}
