package dev.gantry.platform.build;

import java.time.Instant;

/** A build as {@code GET /api/apps/{app}/builds} shows it. */
public record BuildView(long id, String status, String sourceCommit, String image, String buildpacks,
                        Integer release, String error, Instant startedAt, Instant finishedAt) {

    static BuildView of(Build b) {
        return new BuildView(b.id, b.status, b.sourceCommit, b.image, b.buildpacks, b.releaseVersion, b.error,
                b.startedAt, b.finishedAt);
    }
}
