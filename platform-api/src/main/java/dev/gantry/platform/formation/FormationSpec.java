package dev.gantry.platform.formation;

import dev.gantry.platform.quota.Usage;

/** One process type's formation as a value, as releases snapshot it. */
public record FormationSpec(int quantity, int memoryMb, int millicpus) {

    public Usage usage() {
        return Usage.of(quantity, memoryMb, millicpus);
    }
}
