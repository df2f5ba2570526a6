package dev.gantry.platform.auth;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.tenant.Tenant;

/**
 * Who is calling: the admin, or a tenant. Resources state which one a call needs; the wording of a refusal
 * tells the caller which kind of token to use instead. {@code label} names the token for audit records (its
 * hint and description, never the secret).
 */
public record Caller(Long tokenId, Tenant tenant, String label) {

    public boolean isAdmin() {
        return tenant == null;
    }

    public void requireAdmin() {
        if (!isAdmin()) {
            throw ApiException.forbidden("Only the admin token can manage tenants; this is a token of tenant '"
                    + tenant.name + "'.");
        }
    }

    /** The tenant this call acts for; the admin token is refused, since apps belong to tenants. */
    public Tenant requireTenant() {
        if (isAdmin()) {
            throw ApiException.forbidden("Apps belong to tenants: use a tenant's token for this call, "
                    + "not the admin token (POST /api/tenants returns one).");
        }
        return tenant;
    }
}
