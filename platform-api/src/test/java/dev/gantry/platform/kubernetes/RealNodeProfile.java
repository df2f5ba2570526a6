package dev.gantry.platform.kubernetes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gantry.platform.reconcile.ReconcilerProfile;
import dev.gantry.platform.reconcile.RouterTestResource;

/** The reconciler profile with a real Kubernetes node configured (see {@link RealNodeResource}). */
public class RealNodeProfile extends ReconcilerProfile {

    /** A first pull of the stack layer (~500 MB) and a Node.js start take longer than the engine's 8 s. */
    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> c = new HashMap<>(super.getConfigOverrides());
        c.put("gantry.instances.boot-timeout", "180s");
        return c;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RouterTestResource.class), new TestResourceEntry(RealNodeResource.class));
    }
}
