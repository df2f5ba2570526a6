package dev.gantry.platform.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.gantry.platform.app.App;
import dev.gantry.platform.app.AppOwnedEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A custom host name of an app: exact ({@code shop.example.com}) or a wildcard ({@code *.example.com}). */
@Entity
@Table(name = "domain")
public class Domain extends AppOwnedEntity {

    @Column(nullable = false)
    public String hostname;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static List<Domain> ofApp(App app) {
        return list("app.id = ?1 order by hostname", app.id);
    }

    public static Optional<Domain> byHostname(String hostname) {
        return find("hostname", hostname).firstResultOptional();
    }
}
