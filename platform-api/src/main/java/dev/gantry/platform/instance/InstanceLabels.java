package dev.gantry.platform.instance;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the platform records on each instance it launches (as annotations of the container), so that after a
 * restart it can tell from the backend alone whose instance it is and what it runs. {@code role} separates
 * long-running instances from one-off runs; {@code fingerprint} identifies what the instance runs (image,
 * config, restart generation), so a rollback to identical code and config needs no restart.
 */
public record InstanceLabels(String role, long appId, String tenant, String app, String type, int index,
                             int release, String fingerprint, Instant launchedAt) {

    public static final String INSTANCE = "instance";
    public static final String RUN = "run";

    private static final String PREFIX = "dev.gantry.platform.";

    public Map<String, String> toAnnotations() {
        Map<String, String> a = new HashMap<>();
        a.put(PREFIX + "role", role);
        a.put(PREFIX + "app-id", Long.toString(appId));
        a.put(PREFIX + "tenant", tenant);
        a.put(PREFIX + "app", app);
        a.put(PREFIX + "type", type);
        a.put(PREFIX + "index", Integer.toString(index));
        a.put(PREFIX + "release", Integer.toString(release));
        a.put(PREFIX + "fingerprint", fingerprint);
        a.put(PREFIX + "launched-at", launchedAt.toString());
        return a;
    }

    /** The labels of a container the platform launched; empty for anything else in the engine. */
    public static Optional<InstanceLabels> fromAnnotations(Map<String, String> a) {
        if (a == null || a.get(PREFIX + "role") == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new InstanceLabels(a.get(PREFIX + "role"), Long.parseLong(a.get(PREFIX + "app-id")),
                    a.get(PREFIX + "tenant"), a.get(PREFIX + "app"), a.get(PREFIX + "type"),
                    Integer.parseInt(a.get(PREFIX + "index")), Integer.parseInt(a.get(PREFIX + "release")),
                    a.get(PREFIX + "fingerprint"), Instant.parse(a.get(PREFIX + "launched-at"))));
        } catch (RuntimeException e) {
            return Optional.empty(); // damaged or foreign annotations: not ours to manage
        }
    }

    /** {@code web.2}: how users name an instance, as on Heroku. */
    public String slot() {
        return type + "." + index;
    }
}
