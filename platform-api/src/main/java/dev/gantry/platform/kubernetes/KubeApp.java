package dev.gantry.platform.kubernetes;

import java.util.Map;

import dev.gantry.platform.formation.FormationSpec;

/**
 * One app as the cluster should run it: the release's image (a registry reference the kubelet can pull), its
 * config vars, its formation, and the fingerprint of what it runs (image + config + restart generation): the
 * fingerprint is in the pod template, so a change of it rolls out a new ReplicaSet and nothing else does.
 */
public record KubeApp(String tenant, String app, int release, String fingerprint, String image, Map<String, String> env,
                      Map<String, FormationSpec> formation, String healthCheckPath) {

    public KubeApp {
        env = Map.copyOf(env);
        formation = Map.copyOf(formation);
    }
}
