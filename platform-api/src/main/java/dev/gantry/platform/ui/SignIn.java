package dev.gantry.platform.ui;

/** The body of {@code POST /ui/session}: the API token to sign in with. */
public record SignIn(String token) {
}
