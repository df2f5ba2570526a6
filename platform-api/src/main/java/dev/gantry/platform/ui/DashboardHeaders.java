package dev.gantry.platform.ui;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Security headers on the dashboard's pages and assets (everything outside the API, git and operations paths):
 * scripts, styles and connections from this origin only, no framing, no MIME sniffing. The dashboard has no
 * inline script or style, so the policy needs no exceptions. Its files are revalidated on every load.
 */
@ApplicationScoped
public class DashboardHeaders {

    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            String path = rc.normalizedPath();
            if (!path.startsWith("/api/") && !path.startsWith("/git/") && !path.startsWith("/q/")) {
                rc.response().putHeader("Content-Security-Policy", POLICY)
                        .putHeader("X-Content-Type-Options", "nosniff")
                        .putHeader("Referrer-Policy", "same-origin")
                        .putHeader("X-Frame-Options", "DENY");
                // Quarkus marks static files "immutable" for a day; the dashboard's file names do not change between
                // versions, so browsers revalidate instead (a cheap 304) and never run stale code after an upgrade.
                rc.addHeadersEndHandler(v -> rc.response().headers().set("Cache-Control", "no-cache"));
            }
            rc.next();
        }, 10);
    }
}
