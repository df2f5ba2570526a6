package dev.gantry.platform.build;

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

/** An app's builds, newest first. Their output is in the log stream: {@code /logs?source=build}. */
@Path("/api/apps/{app}/builds")
@Produces(MediaType.APPLICATION_JSON)
public class BuildResource {

    @Inject
    CurrentCaller caller;

    @GET
    public List<BuildView> list(@PathParam("app") String name, @QueryParam("limit") @DefaultValue("20") int limit) {
        if (limit < 1 || limit > 200) {
            throw ApiException.invalid("limit must be between 1 and 200, not " + limit + ".");
        }
        App app = App.requireInTenant(caller.get().requireTenant(), name);
        return Build.ofApp(app, limit).stream().map(BuildView::of).toList();
    }
}
