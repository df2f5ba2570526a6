package dev.gantry.platform.formation;

import java.math.BigDecimal;

/** One process type's part of {@code PATCH /api/apps/{app}/formation}; absent fields keep their value. */
public record FormationChange(Integer quantity, String size, BigDecimal cpus) {
}
