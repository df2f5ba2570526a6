package dev.gantry.platform.formation;

import java.math.BigDecimal;

import dev.gantry.platform.quota.Resources;

/** One process type's formation as the API shows it: {@code {"quantity": 3, "size": "512M", "cpus": 0.5}}. */
public record FormationView(int quantity, String size, BigDecimal cpus) {

    static FormationView of(Formation f) {
        return new FormationView(f.quantity, Resources.formatMemory(f.memoryMb), Resources.formatCpus(f.millicpus));
    }
}
