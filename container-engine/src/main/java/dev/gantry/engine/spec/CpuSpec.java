package dev.gantry.engine.spec;

/** {@code linux.resources.cpu}: shares (v1 semantics, 2..262144), quota and period in µs. */
public record CpuSpec(Long shares, Long quota, Long period) {
}
