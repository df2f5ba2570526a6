package dev.gantry.platform.app;

/** A CDI event, fired after the commit: app {@code appId} was deleted, so what is kept for it may go. */
public record AppDeleted(long appId) {
}
