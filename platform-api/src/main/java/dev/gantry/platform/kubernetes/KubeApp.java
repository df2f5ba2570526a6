package dev.gantry.platform.kubernetes;

import java.util.List;
import java.util.Map;

import dev.gantry.platform.formation.FormationSpec;

/**
 * One app as the cluster should run it: the release's image (a registry reference the kubelet can pull), its
 * config vars, its formation, and the fingerprint of what it runs (image + config + restart generation): the
 * fingerprint is in the pod template, so a change of it rolls out a new ReplicaSet and nothing else does.
 */
public record KubeApp(String tenant, String app, int release, String fingerprint, String image, Map<String, String> env,
                      Map<String, FormationSpec> formation, String healthCheckPath, List<String> hosts) {

    public KubeApp {
        env = Map.copyOf(env);
        formation = Map.copyOf(formation);
        hosts = List.copyOf(hosts);
    }

    /** An app that gets no Ingress (the router reaches its pods directly). */
    public KubeApp(String tenant, String app, int release, String fingerprint, String image, Map<String, String> env,
                   Map<String, FormationSpec> formation, String healthCheckPath) {
        this(tenant, app, release, fingerprint, image, env, formation, healthCheckPath, List.of());
    }
}
