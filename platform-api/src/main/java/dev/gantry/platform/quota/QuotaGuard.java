package dev.gantry.platform.quota;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.formation.Formation;
import dev.gantry.platform.tenant.Tenant;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

/**
 * Refuses desired state beyond a tenant's quota, with the numbers. The tenant's row is locked for the rest of
 * the transaction, so two scale requests of one tenant are checked one after the other and cannot both squeeze
 * under the limit. A change that lowers usage always passes, even when the tenant is over a lowered quota.
 */
@ApplicationScoped
public class QuotaGuard {

    /**
     * @param replaced what the formations being changed ask for now
     * @param replacement what they will ask for after the change
     */
    public void check(Long tenantId, Usage replaced, Usage replacement) {
        Tenant tenant = Tenant.getEntityManager().find(Tenant.class, tenantId, LockModeType.PESSIMISTIC_WRITE);
        Quota quota = tenant.quota();
        Usage used = Formation.usageOfTenant(tenantId);
        Usage requested = used.minus(replaced).plus(replacement);
        refuseIfOver(tenant, "memory", requested.memoryMb(), used.memoryMb(), quota.memoryMb(),
                mb -> Resources.formatMemory((int) mb));
        refuseIfOver(tenant, "instances", requested.instances(), used.instances(), quota.instances(), n -> n);
        refuseIfOver(tenant, "cpus", requested.millicpus(), used.millicpus(), quota.millicpus(),
                m -> Resources.formatCpus((int) m));
    }

    private static void refuseIfOver(Tenant tenant, String resource, long requested, long used, Integer limit,
                                     LongFunction<Object> show) {
        if (limit == null || requested <= limit || requested <= used) {
            return;
        }
        Map<String, Object> numbers = new LinkedHashMap<>();
        numbers.put("resource", resource);
        numbers.put("requested", show.apply(requested));
        numbers.put("used", show.apply(used));
        numbers.put("limit", show.apply(limit));
        throw new ApiException(422, "quota-exceeded", "This would need " + show.apply(requested) + " " + resource
                + " in total for tenant '" + tenant.name + "', over its quota of " + show.apply(limit) + " ("
                + show.apply(used) + " in use now). Scale something down, or ask the admin for a larger quota.",
                numbers);
    }
}
