package dev.gantry.platform.app;

/** The body of {@code POST /api/apps}. */
public record CreateApp(String name) {
}
