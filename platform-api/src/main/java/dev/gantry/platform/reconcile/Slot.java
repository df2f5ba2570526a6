package dev.gantry.platform.reconcile;

import java.time.Duration;
import java.time.Instant;

/**
 * One place in an app's formation ({@code web.2}) and its crash history. Restarts follow Cloud Foundry's
 * backoff: the first few crashes restart at once, then the delay starts at {@code base} and doubles up to
 * {@code max}. An instance that stays up for the stable period, or a new release, starts the count over.
 */
final class Slot {

    record Backoff(int immediate, Duration base, Duration max, Duration stableAfter) {

        Duration delayAfter(int crashes) {
            if (crashes <= immediate) {
                return Duration.ZERO;
            }
            int doublings = Math.min(crashes - immediate - 1, 30);
            Duration d = base.multipliedBy(1L << Math.min(doublings, 20));
            return d.compareTo(max) > 0 ? max : d;
        }
    }

    /** Crashes since the slot last ran stably, and in all. */
    int crashes;
    int restarts;
    Instant nextStart = Instant.EPOCH;
    String lastExit;
    Instant lastCrashAt;
    String fingerprint;

    void crashed(Instant now, String why, Backoff backoff) {
        crashes++;
        restarts++;
        lastExit = why;
        lastCrashAt = now;
        nextStart = now.plus(backoff.delayAfter(crashes));
    }

    boolean mayStart(Instant now) {
        return !now.isBefore(nextStart);
    }

    boolean waiting(Instant now) {
        return crashes > 0 && now.isBefore(nextStart);
    }

    /** A new release (or a long stable run) forgives earlier crashes. */
    void reset() {
        crashes = 0;
        nextStart = Instant.EPOCH;
    }
}
