package dev.gantry.platform.formation;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;

import dev.gantry.platform.app.App;
import dev.gantry.platform.app.AppOwnedEntity;
import dev.gantry.platform.quota.Usage;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** Desired state for one process type of an app: how many instances, and how big each one is. */
@Entity
@Table(name = "formation")
public class Formation extends AppOwnedEntity {

    /** A new process type's size unless the request says otherwise: Heroku's standard dyno. */
    public static final int DEFAULT_MEMORY_MB = 256;

    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public int quantity;

    @Column(name = "memory_mb", nullable = false)
    public int memoryMb;

    @Column(nullable = false)
    public int millicpus;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** A quarter of a core per 256 MB, like Heroku's dyno sizes. */
    public static int proportionalMillicpus(int memoryMb) {
        return Math.max(1, memoryMb * 1000 / 1024);
    }

    /** A new, not yet persisted process type of the default size. */
    public static Formation newOf(App app, String type, int quantity) {
        Formation f = new Formation();
        f.app = app;
        f.type = type;
        f.quantity = quantity;
        f.memoryMb = DEFAULT_MEMORY_MB;
        f.millicpus = proportionalMillicpus(DEFAULT_MEMORY_MB);
        f.updatedAt = Instant.now();
        return f;
    }

    public Usage usage() {
        return Usage.of(quantity, memoryMb, millicpus);
    }

    public static List<Formation> ofApp(App app) {
        return list("app.id = ?1 order by type", app.id);
    }

    public static Optional<Formation> find(App app, String type) {
        return find("app.id = ?1 and type = ?2", app.id, type).firstResultOptional();
    }

    /** The app's whole formation as values, by process type. */
    public static Map<String, FormationSpec> snapshotOf(App app) {
        Map<String, FormationSpec> snapshot = new TreeMap<>();
        ofApp(app).forEach(f -> snapshot.put(f.type, new FormationSpec(f.quantity, f.memoryMb, f.millicpus)));
        return snapshot;
    }

    /** Makes the app's formation exactly {@code snapshot}: types not in it are removed. */
    public static void restore(App app, Map<String, FormationSpec> snapshot) {
        Instant now = Instant.now();
        for (Formation f : ofApp(app)) {
            if (!snapshot.containsKey(f.type)) {
                f.delete();
            }
        }
        snapshot.forEach((type, spec) -> {
            Formation f = find(app, type).orElseGet(Formation::new);
            f.app = app;
            f.type = type;
            f.quantity = spec.quantity();
            f.memoryMb = spec.memoryMb();
            f.millicpus = spec.millicpus();
            f.updatedAt = now;
            f.persist();
        });
    }

    /** The total every formation of a tenant asks for. */
    public static Usage usageOfTenant(Long tenantId) {
        Object[] row = (Object[]) getEntityManager().createQuery(
                "select coalesce(sum(f.quantity * f.memoryMb), 0), coalesce(sum(f.quantity), 0),"
                        + " coalesce(sum(f.quantity * f.millicpus), 0) from Formation f where f.app.tenant.id = ?1")
                .setParameter(1, tenantId).getSingleResult();
        return new Usage(((Number) row[0]).longValue(), ((Number) row[1]).longValue(), ((Number) row[2]).longValue());
    }
}
