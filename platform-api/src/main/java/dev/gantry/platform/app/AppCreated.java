package dev.gantry.platform.app;

/** A CDI event, fired after the commit: app {@code appId} was created. */
public record AppCreated(long appId) {
}
