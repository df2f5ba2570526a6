package dev.gantry.platform.config;

import java.time.Instant;
import java.util.List;

import dev.gantry.platform.app.App;
import dev.gantry.platform.app.AppOwnedEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** One config var of an app; the value is sealed by {@link ConfigCipher} and never stored in the clear. */
@Entity
@Table(name = "config_var")
public class ConfigVar extends AppOwnedEntity {

    @Column(nullable = false)
    public String name;

    @Column(name = "value_sealed", nullable = false)
    public byte[] valueSealed;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static List<ConfigVar> ofApp(App app) {
        return list("app.id = ?1 order by name", app.id);
    }
}
