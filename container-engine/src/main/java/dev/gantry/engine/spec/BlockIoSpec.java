package dev.gantry.engine.spec;

/** {@code linux.resources.blockIO}: weight 10..1000. */
public record BlockIoSpec(Integer weight) {
}
