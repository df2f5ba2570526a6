package dev.gantry.platform.ui;

import io.quarkus.vertx.http.runtime.filters.Filters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Security headers on the dashboard's pages and assets (everything outside the API, git and operations paths):
 * scripts, styles and connections from this origin only, no framing, no MIME sniffing. The dashboard has no
 * inline script or style, so the policy needs no exceptions.
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
            }
            rc.next();
        }, 10);
    }
}
