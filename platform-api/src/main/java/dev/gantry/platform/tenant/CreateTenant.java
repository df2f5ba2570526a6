package dev.gantry.platform.tenant;

/** The body of {@code POST /api/tenants}. */
public record CreateTenant(String name) {
}
