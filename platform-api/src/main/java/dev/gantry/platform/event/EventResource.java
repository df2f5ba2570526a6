package dev.gantry.platform.event;

import java.util.List;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.app.App;
import dev.gantry.platform.auth.CurrentCaller;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** An app's audit trail, newest first: who did what, and when. */
@Path("/api/apps/{app}/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventResource {

    private static final int MAX_LIMIT = 1000;

    @Inject
    CurrentCaller caller;

    @GET
    public List<EventView> list(@PathParam("app") String appName, @QueryParam("limit") @DefaultValue("100") int limit) {
        App app = App.requireInTenant(caller.get().requireTenant(), appName);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.invalid("limit must be between 1 and " + MAX_LIMIT + ", not " + limit + ".");
        }
        return AuditEntry.newestOf(app, limit).stream().map(EventView::of).toList();
    }
}
