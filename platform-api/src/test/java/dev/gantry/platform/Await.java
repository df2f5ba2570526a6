package dev.gantry.platform;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds; fails the test with what it waited for when the time runs out. */
public final class Await {

    private Await() {
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        await(what, timeout, condition, () -> "");
    }

    /** As above; {@code state} describes what was seen instead, for the failure message. */
    public static void await(String what, Duration timeout, BooleanSupplier condition,
                             java.util.function.Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what + ". "
                        + state.get());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
