package dev.gantry.platform.event;

import java.time.Instant;
import java.util.List;

import dev.gantry.platform.app.App;
import dev.gantry.platform.app.AppOwnedEntity;
import io.quarkus.panache.common.Page;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** One line of an app's audit trail (table {@code event}). */
@Entity
@Table(name = "event")
public class AuditEntry extends AppOwnedEntity {

    /** What happened, as a stable word: {@code app.create}, {@code config}, {@code scale}, {@code rollback}. */
    @Column(nullable = false)
    public String kind;

    @Column(nullable = false)
    public String message;

    /** The token that did it (hint and description), or {@code gantry} for the platform itself. */
    @Column(nullable = false)
    public String actor;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    static AuditEntry record(App app, String kind, String message, String actor) {
        AuditEntry e = new AuditEntry();
        e.app = app;
        e.kind = kind;
        e.message = message;
        e.actor = actor;
        e.createdAt = Instant.now();
        e.persist();
        return e;
    }

    public static List<AuditEntry> newestOf(App app, int limit) {
        return find("app.id = ?1 order by id desc", app.id).page(Page.ofSize(limit)).list();
    }
}
