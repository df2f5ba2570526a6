package dev.gantry.platform.app;

/**
 * {@code PATCH /api/apps/{app}}: the app's settings. {@code health_check_path} ("/health"; "" goes back to the
 * TCP check) decides when a new web instance is ready; {@code egress} lets instances and runs reach the outside;
 * {@code backend} ("local", "kubernetes", "" to inherit the tenant's) moves the app with a zero-downtime deploy.
 */
public record AppChange(String healthCheckPath, Boolean egress, String backend) {
}
