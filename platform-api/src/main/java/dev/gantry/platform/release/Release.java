package dev.gantry.platform.release;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.gantry.platform.app.App;
import dev.gantry.platform.app.AppOwnedEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** Release vN of an app: image, sealed config snapshot and formation snapshot, with who/when/why. */
@Entity
@Table(name = "release")
public class Release extends AppOwnedEntity {

    @Column(nullable = false)
    public int version;

    /** The image digest; null until the app's first build. */
    public String image;

    @Column(name = "config_sealed", nullable = false)
    public byte[] configSealed;

    /** JSON: {@code {"web": {"quantity": 2, "memory_mb": 512, "millicpus": 500}}}. */
    @Column(nullable = false)
    public String formation;

    @Column(nullable = false)
    public String description;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static List<Release> ofApp(App app) {
        return list("app.id = ?1 order by version desc", app.id);
    }

    public static Optional<Release> find(App app, int version) {
        return find("app.id = ?1 and version = ?2", app.id, version).firstResultOptional();
    }

    public static Optional<Release> current(App app) {
        return find("app.id = ?1 order by version desc", app.id).firstResultOptional();
    }
}
