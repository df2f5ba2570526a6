package dev.gantry.engine.spec;

/** {@code linux.uidMappings[]} / {@code gidMappings[]}. */
public record IdMappingSpec(Long containerID, Long hostID, Long size) {
}
