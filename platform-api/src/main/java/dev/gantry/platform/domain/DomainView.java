package dev.gantry.platform.domain;

import java.time.Instant;

public record DomainView(String hostname, Instant createdAt) {

    static DomainView of(Domain d) {
        return new DomainView(d.hostname, d.createdAt);
    }
}
