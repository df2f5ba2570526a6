package dev.gantry.platform.kubernetes;

/**
 * One process type's Deployment as last seen: {@code desired} replicas, {@code total} pods of any template,
 * {@code updated} pods of the current template, {@code ready} of all, {@code fingerprint} of the current
 * template, and why it is stuck, if Kubernetes says so (ProgressDeadlineExceeded, FailedCreate: quota, …).
 * Counts are zero while the controller has not caught up with the newest spec.
 */
public record TypeState(String type, int desired, int total, int updated, int ready, int available, String fingerprint,
                        String failureReason) {

    /** Every wanted pod runs the current template and is ready, and no old pod is left. */
    public boolean complete(String currentFingerprint) {
        return currentFingerprint.equals(fingerprint) && updated == desired && total == desired && ready >= desired;
    }
}
