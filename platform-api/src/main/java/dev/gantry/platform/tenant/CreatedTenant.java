package dev.gantry.platform.tenant;

import java.time.Instant;

/** The answer to creating a tenant: the only time its first token is shown. */
public record CreatedTenant(String name, String token, Instant createdAt) {
}
