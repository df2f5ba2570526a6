package dev.gantry.platform.auth;

/** The optional body of {@code POST /api/tokens}: what the token is for, to recognise it later. */
public record CreateToken(String description) {
}
