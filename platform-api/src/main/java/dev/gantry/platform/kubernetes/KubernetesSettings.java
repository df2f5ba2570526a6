package dev.gantry.platform.kubernetes;

import java.nio.file.Path;

/**
 * How to reach the operator's cluster: a kubeconfig, the name to call the cluster in messages (null: the
 * kubeconfig's current context), and the image pull Secret each tenant namespace holds (null: none needed).
 */
public record KubernetesSettings(Path kubeconfig, String name, String imagePullSecret) {
}
