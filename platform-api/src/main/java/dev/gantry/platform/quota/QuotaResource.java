package dev.gantry.platform.quota;

import dev.gantry.platform.auth.CurrentCaller;
import dev.gantry.platform.formation.Formation;
import dev.gantry.platform.tenant.Tenant;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** A tenant's own quota and usage, e.g. for the dashboard's quota bars. The admin's view is on the tenant. */
@Path("/api/quota")
@Produces(MediaType.APPLICATION_JSON)
public class QuotaResource {

    @Inject
    CurrentCaller caller;

    @GET
    public QuotaView get() {
        Tenant tenant = caller.get().requireTenant();
        Tenant fresh = Tenant.findById(tenant.id);
        return QuotaView.of(fresh.quota(), Formation.usageOfTenant(fresh.id));
    }
}
