package dev.gantry.engine.spec;

/** {@code linux.resources}: the cgroup limits the engine supports. */
public record ResourcesSpec(MemorySpec memory, CpuSpec cpu, PidsSpec pids, BlockIoSpec blockIO) {
}
