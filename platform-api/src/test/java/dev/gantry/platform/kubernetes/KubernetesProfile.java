package dev.gantry.platform.kubernetes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gantry.platform.reconcile.ReconcilerProfile;
import dev.gantry.platform.reconcile.RouterTestResource;

/** The reconciler profile (short timeouts, a real router) with a Kubernetes cluster configured. */
public class KubernetesProfile extends ReconcilerProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> c = new HashMap<>(super.getConfigOverrides());
        c.put("gantry.instances.boot-timeout", "40s"); // pods on a loaded 2-core machine
        return c;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RouterTestResource.class), new TestResourceEntry(KubernetesClusterResource.class));
    }
}
