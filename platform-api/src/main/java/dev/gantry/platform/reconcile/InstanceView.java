package dev.gantry.platform.reconcile;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An instance as {@code GET /api/apps/{app}/instances} shows it. A slot whose instance crashed and waits for its
 * backoff shows as {@code crashed} with no id, with the reason and when it restarts. {@code cpu} is in cores
 * (0.25 = a quarter of one core), {@code memory} in bytes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstanceView(String id, String name, String type, String state, Integer release, String ip,
                           Integer port, Instant startedAt, int restarts, Double cpu, Long memory, String lastExit,
                           Instant restartAt) {
}
