package dev.gantry.platform.event;

import dev.gantry.platform.AfterCommit;
import dev.gantry.platform.app.App;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

/**
 * Records who did what to an app: a row in its audit trail and, once the change is committed, a line in its
 * log stream (so {@code logs --tail} shows scales and releases among the app's own output).
 */
@ApplicationScoped
public class Audit {

    @Inject
    Event<AppEvent> events;

    @Inject
    AfterCommit afterCommit;

    /** Must run inside the transaction that makes the change. */
    public void record(App app, String kind, String message, String actor) {
        AuditEntry entry = AuditEntry.record(app, kind, message, actor);
        AppEvent event = new AppEvent(app.id, entry.kind, entry.message, entry.actor);
        afterCommit.run(() -> events.fire(event));
    }
}
