package dev.gantry.platform.placement;

import java.util.Locale;

import dev.gantry.platform.api.ApiException;

/**
 * Where an app's instances run. An app names one, or inherits its tenant's; a tenant names one, or runs on the
 * local engine. Stored in the database by {@link #id()}.
 */
public enum Backend {
    /** Gantry's own container engine on this machine (the default). */
    LOCAL("local"),
    /** The operator's Kubernetes cluster (GANTRY_KUBERNETES_*). */
    KUBERNETES("kubernetes");

    private final String id;

    Backend(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The backend an app runs on: its own choice, else its tenant's, else local. */
    public static Backend effective(String appBackend, String tenantBackend) {
        if (appBackend != null) {
            return fromId(appBackend);
        }
        return tenantBackend != null ? fromId(tenantBackend) : LOCAL;
    }

    /** Parses API input: a backend id, or empty for "inherit" (null). */
    public static Backend parseOrInherit(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        for (Backend b : values()) {
            if (b.id.equals(value.strip().toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw ApiException.invalid("backend must be \"local\" (Gantry's engine on this machine), \"kubernetes\" "
                + "(the configured cluster) or \"\" to inherit; not '" + value + "'.");
    }

    private static Backend fromId(String id) {
        for (Backend b : values()) {
            if (b.id.equals(id)) {
                return b;
            }
        }
        return LOCAL; // a value written by a newer version: run where every platform can
    }
}
