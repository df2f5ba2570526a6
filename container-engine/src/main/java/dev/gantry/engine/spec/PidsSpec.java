package dev.gantry.engine.spec;

/** {@code linux.resources.pids}. */
public record PidsSpec(Long limit) {
}
