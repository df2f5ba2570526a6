package dev.gantry.platform.tenant;

/** {@code PATCH /api/tenants/{tenant}} (admin): {@code backend} is where the tenant's apps run by default. */
public record TenantChange(String backend) {
}
