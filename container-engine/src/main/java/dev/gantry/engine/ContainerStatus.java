package dev.gantry.engine;

import com.fasterxml.jackson.annotation.JsonValue;

/** The OCI runtime statuses. */
public enum ContainerStatus {
    CREATING, CREATED, RUNNING, STOPPED;

    @JsonValue
    public String ociName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
