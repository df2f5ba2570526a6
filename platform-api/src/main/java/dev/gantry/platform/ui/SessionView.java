package dev.gantry.platform.ui;

/** Who the dashboard is signed in as: a tenant (by name) or the admin, and which token (its hint only). */
public record SessionView(String tenant, boolean admin, String token) {
}
