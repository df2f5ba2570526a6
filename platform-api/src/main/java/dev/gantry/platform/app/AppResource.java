package dev.gantry.platform.app;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import dev.gantry.platform.AfterCommit;
import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.api.Names;
import dev.gantry.platform.auth.CurrentCaller;
import dev.gantry.platform.event.Audit;
import dev.gantry.platform.placement.Backend;
import dev.gantry.platform.placement.Placements;
import dev.gantry.platform.release.Releases;
import dev.gantry.platform.tenant.Tenant;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** A tenant's apps. Every query is scoped to the caller's tenant: other tenants' apps do not exist here. */
@Path("/api/apps")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AppResource {

    @Inject
    CurrentCaller caller;

    @Inject
    AppUrls urls;

    @Inject
    Releases releases;

    @Inject
    Audit audit;

    @Inject
    Event<AppCreated> created;

    @Inject
    Event<AppDeleted> deleted;

    @Inject
    AfterCommit afterCommit;

    @Inject
    Placements placements;

    @GET
    public List<AppView> list() {
        Tenant tenant = caller.get().requireTenant();
        return App.ofTenant(tenant).stream().map(app -> urls.view(app, tenant.name)).toList();
    }

    @POST
    @Transactional
    public Response create(CreateApp body) {
        Tenant tenant = caller.get().requireTenant();
        if (body == null) {
            throw ApiException.badRequest("Send a JSON body with the app's name, e.g. {\"name\": \"web\"}.");
        }
        String name = Names.requireDnsLabel("app", body.name());
        if (App.findInTenant(tenant, name).isPresent()) {
            throw ApiException.conflict("app-exists", "You already have an app named '" + name + "'.");
        }
        App app = new App();
        app.tenant = tenant;
        app.name = name;
        app.createdAt = Instant.now();
        app.persist();
        audit.record(app, "app.create", "Created app " + name, caller.get().label());
        releases.create(app, null, "Initial release", caller.get());
        long id = app.id;
        afterCommit.run(() -> created.fire(new AppCreated(id)));
        return Response.created(URI.create("/api/apps/" + name)).entity(urls.view(app, tenant.name)).build();
    }

    @GET
    @Path("{app}")
    public AppView get(@PathParam("app") String name) {
        Tenant tenant = caller.get().requireTenant();
        return urls.view(App.requireInTenant(tenant, name), tenant.name);
    }

    /** Changes the app's settings; a change that affects instances rolls them (zero downtime). */
    @PATCH
    @Path("{app}")
    @Transactional
    public AppView update(@PathParam("app") String name, AppChange body) {
        Tenant tenant = caller.get().requireTenant();
        App app = App.requireInTenant(tenant, name);
        if (body == null || (body.healthCheckPath() == null && body.egress() == null && body.backend() == null)) {
            throw ApiException.badRequest("Send the settings to change, e.g. {\"health_check_path\": \"/health\"}, "
                    + "{\"egress\": false} or {\"backend\": \"kubernetes\"}.");
        }
        if (body.healthCheckPath() != null) {
            String path = body.healthCheckPath().strip();
            if (!path.isEmpty() && !HEALTH_PATH.matcher(path).matches()) {
                throw ApiException.invalid("health_check_path must be a path starting with '/', without spaces "
                        + "(like /health), or \"\" for the default TCP check; not '" + body.healthCheckPath() + "'.");
            }
            app.healthCheckPath = path.isEmpty() ? null : path;
        }
        if (body.egress() != null) {
            app.egress = body.egress();
        }
        if (body.backend() != null) {
            Backend chosen = Backend.parseOrInherit(body.backend());
            placements.requireAvailable(Backend.effective(chosen == null ? null : chosen.id(), tenant.backend), app);
            app.backend = chosen == null ? null : chosen.id();
        }
        audit.record(app, "app.update", "Settings: health check " + (app.healthCheckPath == null ? "TCP on $PORT"
                : "GET " + app.healthCheckPath) + ", outbound access " + (app.egress ? "on" : "off") + ", runs on "
                + app.effectiveBackend().id(), caller.get().label());
        return urls.view(app, tenant.name);
    }

    private static final java.util.regex.Pattern HEALTH_PATH = java.util.regex.Pattern.compile("/[^\\s]{0,1023}");

    @DELETE
    @Path("{app}")
    @Transactional
    public void delete(@PathParam("app") String name) {
        Tenant tenant = caller.get().requireTenant();
        App app = App.requireInTenant(tenant, name);
        long id = app.id;
        app.delete();
        afterCommit.run(() -> deleted.fire(new AppDeleted(id)));
    }
}
