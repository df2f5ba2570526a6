package dev.gantry.platform.reconcile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Callers waiting for a release to be live (a git push waits for its deploy): each waits for one app and
 * fingerprint; the reconciler completes them when every wanted instance of that fingerprint is up, or when the
 * deploy fails.
 */
public final class Rollouts {

    /** How a deploy ended. */
    public record Outcome(boolean ok, String message) {
    }

    private record Waiter(long appId, String fingerprint, long registeredNanos, CompletableFuture<Outcome> result) {
    }

    private final List<Waiter> waiters = new ArrayList<>();

    CompletableFuture<Outcome> register(long appId, String fingerprint) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        synchronized (waiters) {
            waiters.add(new Waiter(appId, fingerprint, System.nanoTime(), f));
        }
        return f;
    }

    void succeeded(long appId, String fingerprint, String message) {
        complete(w -> w.appId == appId && w.fingerprint.equals(fingerprint), new Outcome(true, message));
    }

    void failed(long appId, String fingerprint, String message) {
        complete(w -> w.appId == appId && w.fingerprint.equals(fingerprint), new Outcome(false, message));
    }

    /**
     * A newer release replaced the one being waited for. Only waiters older than the desired state the
     * reconciler acts on are told, so one that registered for a release the reconciler has not read yet waits.
     */
    void superseded(long appId, String current, long desiredLoadedNanos) {
        complete(w -> w.appId == appId && !w.fingerprint.equals(current) && w.registeredNanos < desiredLoadedNanos,
                new Outcome(false, "a newer release replaced this one before it was live"));
    }

    boolean waiting(long appId) {
        synchronized (waiters) {
            return waiters.stream().anyMatch(w -> w.appId == appId);
        }
    }

    private void complete(java.util.function.Predicate<Waiter> which, Outcome outcome) {
        List<Waiter> done = new ArrayList<>();
        synchronized (waiters) {
            for (Waiter w : waiters) {
                if (which.test(w)) {
                    done.add(w);
                }
            }
            waiters.removeAll(done);
        }
        done.forEach(w -> w.result.complete(outcome));
    }

    static Outcome await(CompletableFuture<Outcome> f, Duration timeout) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Outcome(false, "the new instances were not all up within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted while waiting for the deploy");
        } catch (ExecutionException e) {
            return new Outcome(false, String.valueOf(e.getCause()));
        }
    }
}
