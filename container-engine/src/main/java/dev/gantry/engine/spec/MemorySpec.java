package dev.gantry.engine.spec;

/** {@code linux.resources.memory}: bytes. {@code swap} is memory+swap, as in the OCI spec. */
public record MemorySpec(Long limit, Long swap, Long reservation) {
}
