package dev.gantry.platform.tenant;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.platform.GantryConfig;
import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.app.App;
import dev.gantry.platform.api.Names;
import dev.gantry.platform.auth.ApiToken;
import dev.gantry.platform.auth.CurrentCaller;
import dev.gantry.platform.event.Audit;
import dev.gantry.platform.formation.Formation;
import dev.gantry.platform.placement.Backend;
import dev.gantry.platform.placement.Placements;
import dev.gantry.platform.quota.Quota;
import dev.gantry.platform.quota.QuotaChange;
import dev.gantry.platform.quota.QuotaView;
import dev.gantry.platform.quota.Resources;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Tenants, managed by the admin only. */
@Path("/api/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TenantResource {

    @Inject
    CurrentCaller caller;

    @Inject
    GantryConfig config;

    @Inject
    Placements placements;

    @Inject
    Audit audit;

    /** Creates the tenant and its first token, which is in this response and nowhere else. */
    @POST
    @Transactional
    public Response create(CreateTenant body) {
        caller.get().requireAdmin();
        if (body == null) {
            throw ApiException.badRequest("Send a JSON body with the tenant's name, e.g. {\"name\": \"acme\"}.");
        }
        String name = Names.requireDnsLabel("tenant", body.name());
        if (Tenant.findByName(name).isPresent()) {
            throw ApiException.conflict("tenant-exists", "A tenant named '" + name + "' already exists.");
        }
        Tenant tenant = new Tenant();
        tenant.name = name;
        tenant.createdAt = Instant.now();
        tenant.setQuota(defaultQuota());
        tenant.persist();
        String token = ApiToken.issue(tenant, "first token of " + name).plain();
        return Response.created(URI.create("/api/tenants/" + name))
                .entity(new CreatedTenant(name, token, tenant.createdAt)).build();
    }

    @GET
    public List<TenantView> list() {
        caller.get().requireAdmin();
        return Tenant.getEntityManager().createQuery(
                "select new dev.gantry.platform.tenant.TenantView(t.name, t.createdAt,"
                        + " (select count(a) from App a where a.tenant = t), coalesce(t.backend, 'local'))"
                        + " from Tenant t order by t.name",
                TenantView.class).getResultList();
    }

    @GET
    @Path("{tenant}")
    public TenantView get(@PathParam("tenant") String name) {
        caller.get().requireAdmin();
        Tenant tenant = find(name);
        return view(tenant);
    }

    /**
     * {@code {"backend": "kubernetes"}} places the tenant's apps (those that do not name their own) on the cluster;
     * each moves with a zero-downtime deploy. {@code "local"} or {@code ""} brings them back.
     */
    @PATCH
    @Path("{tenant}")
    @Transactional
    public TenantView update(@PathParam("tenant") String name, TenantChange body) {
        caller.get().requireAdmin();
        Tenant tenant = find(name);
        if (body == null || body.backend() == null) {
            throw ApiException.badRequest("Send the settings to change, e.g. {\"backend\": \"kubernetes\"}.");
        }
        Backend chosen = Backend.parseOrInherit(body.backend());
        placements.requireAvailable(chosen == null ? Backend.LOCAL : chosen, null);
        tenant.backend = chosen == null || chosen == Backend.LOCAL ? null : chosen.id();
        for (App app : App.ofTenant(tenant)) {
            audit.record(app, "app.update", "Runs on " + app.effectiveBackend().id() + " (the tenant's backend)",
                    caller.get().label());
        }
        return view(tenant);
    }

    private static TenantView view(Tenant tenant) {
        return new TenantView(tenant.name, tenant.createdAt, App.countOfTenant(tenant),
                tenant.backend == null ? Backend.LOCAL.id() : tenant.backend);
    }

    /** Deletes the tenant with its apps and tokens (the database cascades); its tokens stop working at once. */
    @DELETE
    @Path("{tenant}")
    @Transactional
    public void delete(@PathParam("tenant") String name) {
        caller.get().requireAdmin();
        find(name).delete();
    }

    @GET
    @Path("{tenant}/quota")
    public QuotaView quota(@PathParam("tenant") String name) {
        caller.get().requireAdmin();
        Tenant tenant = find(name);
        return QuotaView.of(tenant.quota(), Formation.usageOfTenant(tenant.id));
    }

    /**
     * Sets the tenant's limits. Lowering one below current usage is allowed: nothing running is stopped, but
     * nothing more can be scaled up until usage is under the limit again.
     */
    @PATCH
    @Path("{tenant}/quota")
    @Transactional
    public QuotaView setQuota(@PathParam("tenant") String name, JsonNode body) {
        caller.get().requireAdmin();
        Tenant tenant = find(name);
        tenant.setQuota(QuotaChange.apply(tenant.quota(), body));
        return QuotaView.of(tenant.quota(), Formation.usageOfTenant(tenant.id));
    }

    private Quota defaultQuota() {
        GantryConfig.DefaultQuota defaults = config.defaultQuota();
        return new Quota(Resources.parseMemoryMb("GANTRY_DEFAULT_QUOTA_MEMORY", defaults.memory()),
                defaults.instances(), Resources.parseMillicpus("GANTRY_DEFAULT_QUOTA_CPUS", defaults.cpus()));
    }

    private static Tenant find(String name) {
        return Tenant.findByName(name).orElseThrow(() -> ApiException.notFound("tenant-not-found",
                "There is no tenant named '" + name + "'."));
    }
}
