package dev.gantry.platform.tenant;

import java.time.Instant;

/** A tenant as the admin sees it. */
public record TenantView(String name, Instant createdAt, long apps, String backend) {
}
