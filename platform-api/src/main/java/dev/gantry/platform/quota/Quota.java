package dev.gantry.platform.quota;

/**
 * A tenant's limits; a null field is unlimited. Memory in megabytes, CPU in millicpus (see {@link Resources}).
 */
public record Quota(Integer memoryMb, Integer instances, Integer millicpus) {
}
