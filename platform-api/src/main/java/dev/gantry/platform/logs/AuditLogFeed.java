package dev.gantry.platform.logs;

import dev.gantry.platform.app.AppDeleted;
import dev.gantry.platform.event.AppEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Keeps the log store in step with committed changes (these events are fired after the commit): audit entries
 * become {@code gantry} lines in the app's stream, and a deleted app's log is removed.
 */
@ApplicationScoped
public class AuditLogFeed {

    @Inject
    LogStore logs;

    void onEvent(@Observes AppEvent event) {
        logs.append(event.appId(), "gantry", "api", event.message() + " by " + event.actor());
    }

    void onDeleted(@Observes AppDeleted event) {
        logs.delete(event.appId());
    }
}
