package dev.gantry.platform.build;

import java.time.Instant;
import java.util.List;

import dev.gantry.platform.app.App;
import dev.gantry.platform.app.AppOwnedEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** One build of an app's source: what was built, with which buildpacks, into which image, and how it ended. */
@Entity
@Table(name = "build")
public class Build extends AppOwnedEntity {

    @Column(nullable = false)
    public String status;

    @Column(name = "source_commit", nullable = false)
    public String sourceCommit;

    public String image;

    public String buildpacks;

    @Column(name = "release_version")
    public Integer releaseVersion;

    public String error;

    @Column(name = "started_at", nullable = false)
    public Instant startedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    public static List<Build> ofApp(App app, int limit) {
        return find("app.id = ?1 order by id desc", app.id).page(0, limit).list();
    }
}
