package dev.gantry.platform.logs;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.app.App;
import dev.gantry.platform.auth.CurrentCaller;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * An app's log stream as Server-Sent Events, like {@code heroku logs}: the last {@code lines} lines, then, with
 * {@code tail=true}, each new line as it happens. Filters: {@code source} (app, build, router, gantry) and
 * {@code instance} (e.g. web.1).
 */
@Path("/api/apps/{app}/logs")
public class LogsResource {

    private static final int MAX_LINES = 10_000;

    @Inject
    CurrentCaller caller;

    @Inject
    LogStore logs;

    @GET
    @Blocking
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<LogLine> stream(@PathParam("app") String appName,
                                 @QueryParam("lines") @DefaultValue("100") int lines,
                                 @QueryParam("tail") @DefaultValue("false") boolean tail,
                                 @QueryParam("source") String source,
                                 @QueryParam("instance") String instance) {
        App app = App.requireInTenant(caller.get().requireTenant(), appName);
        if (lines < 0 || lines > MAX_LINES) {
            throw ApiException.invalid("lines must be between 0 and " + MAX_LINES + ", not " + lines + ".");
        }
        return logs.stream(app.id, lines, new LogFilter(blankToNull(source), blankToNull(instance)), tail);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
