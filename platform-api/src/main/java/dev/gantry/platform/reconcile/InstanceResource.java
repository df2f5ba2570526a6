package dev.gantry.platform.reconcile;

import java.time.Instant;
import java.util.List;

import dev.gantry.platform.app.App;
import dev.gantry.platform.auth.CurrentCaller;
import dev.gantry.platform.event.Audit;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** An app's running instances, and the rolling restart that replaces them. */
@Path("/api/apps/{app}")
@Produces(MediaType.APPLICATION_JSON)
public class InstanceResource {

    @Inject
    CurrentCaller caller;

    @Inject
    Reconciler reconciler;

    @Inject
    Audit audit;

    @GET
    @Path("instances")
    public List<InstanceView> instances(@PathParam("app") String name) {
        App app = App.requireInTenant(caller.get().requireTenant(), name);
        return reconciler.instances(app.id);
    }

    /** Replaces every instance with a fresh one, zero-downtime: new ones start and pass health before old stop. */
    @POST
    @Path("restart")
    @Transactional
    public Response restart(@PathParam("app") String name) {
        App app = App.requireInTenant(caller.get().requireTenant(), name);
        app.restartedAt = Instant.now();
        audit.record(app, "restart", "Restarting every instance (rolling)", caller.get().label());
        return Response.accepted().build();
    }
}
