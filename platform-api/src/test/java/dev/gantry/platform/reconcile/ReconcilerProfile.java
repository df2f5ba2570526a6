package dev.gantry.platform.reconcile;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The reconciler with a real router beside it and short timeouts, so crash and deploy scenarios run quickly. */
public class ReconcilerProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "gantry.instances.boot-timeout", "8s",
                "gantry.instances.stop-grace", "2s",
                "gantry.instances.drain-timeout", "5s",
                "gantry.instances.immediate-restarts", "1",
                "gantry.instances.backoff-base", "1s",
                "gantry.instances.backoff-max", "4s",
                "gantry.instances.stable-after", "5m");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(RouterTestResource.class));
    }
}
