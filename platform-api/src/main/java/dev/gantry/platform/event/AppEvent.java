package dev.gantry.platform.event;

/** A CDI event, fired after the commit: an audit entry was recorded for app {@code appId}. */
public record AppEvent(long appId, String kind, String message, String actor) {
}
