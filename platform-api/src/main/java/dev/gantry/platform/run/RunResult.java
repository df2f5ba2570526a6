package dev.gantry.platform.run;

/** How a one-off run ended: its exit code (null if it was stopped for its time limit), output and why. */
public record RunResult(String id, Integer exitCode, boolean timedOut, boolean oomKilled, String output,
                        boolean outputTruncated, long durationMs) {
}
