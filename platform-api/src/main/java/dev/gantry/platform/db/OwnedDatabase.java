package dev.gantry.platform.db;

import java.util.concurrent.atomic.AtomicReference;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.Priority;

/**
 * Stops the PostgreSQL server this process started, as the last step of the platform's shutdown: after
 * requests have finished and before the JVM exits (Ctrl-C, SIGTERM or a normal exit).
 */
@ApplicationScoped
public class OwnedDatabase {

    private static final AtomicReference<PostgresServer> SERVER = new AtomicReference<>();

    /** Hands over the server started before Quarkus booted (see {@code GantryMain}). */
    public static void hold(PostgresServer server) {
        SERVER.set(server);
    }

    void stop(@Observes @Priority(Integer.MAX_VALUE) ShutdownEvent event) {
        PostgresServer server = SERVER.getAndSet(null);
        if (server != null) {
            server.close();
        }
    }
}
