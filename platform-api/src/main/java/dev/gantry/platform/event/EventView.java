package dev.gantry.platform.event;

import java.time.Instant;

/** An audit line as the API shows it. */
public record EventView(long id, String kind, String message, String actor, Instant createdAt) {

    static EventView of(AuditEntry e) {
        return new EventView(e.id, e.kind, e.message, e.actor, e.createdAt);
    }
}
