package dev.gantry.platform.release;

import java.time.Instant;

/** A release as listed: never its config values. */
public record ReleaseView(int version, String name, String image, String description, String createdBy,
                          Instant createdAt, boolean current) {

    static ReleaseView of(Release r, boolean current) {
        return new ReleaseView(r.version, "v" + r.version, r.image, r.description, r.createdBy, r.createdAt, current);
    }
}
