package dev.gantry.router;

import dev.gantry.router.impl.VertxRouter;

import java.util.List;

/**
 * The HTTP data plane: a reverse proxy that sends each request to an instance of the app owning
 * its Host, as described by the current {@link RouteTable}. The table arrives through
 * {@link #update(RouteTable)} (the admin API calls it when the platform PUTs a table) and is
 * saved on disk, so a restarted router serves its last routes while the platform is down.
 */
public interface Router extends AutoCloseable {

    static Router create(RouterConfig config) {
        return new VertxRouter(config);
    }

    /** Loads the saved table, binds the listeners and returns once they accept connections. */
    void start();

    /** The bound public HTTP port (useful when configured as 0). */
    int httpPort();

    /** The bound public HTTPS port, or -1 when HTTPS is disabled (a negative configured port). */
    int httpsPort();

    /** The bound admin API port. */
    int adminPort();

    /** The table in force. */
    RouteTable table();

    /**
     * Saves and applies a new table. Instances that leave it finish their in-flight requests
     * (they drain) while new requests go to the new ones.
     *
     * @return true if applied, false if it is the version already in force with the same content
     * @throws RouterException {@code STALE_VERSION} for an older version or a same-version table with
     *                         other content, {@code INVALID_TABLE}, or {@code STATE_IO} if it cannot be saved
     */
    boolean update(RouteTable table);

    /** Every instance the router currently knows, including draining ones. */
    List<InstanceStatus> status();

    /** Stops listening and closes origin connections. */
    @Override
    void close();
}
