package dev.gantry.platform.auth;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A token as listed: never the secret itself, only its first characters. {@code token} is set only on creation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenView(long id, String token, String hint, String description, Instant createdAt) {

    static TokenView of(ApiToken t) {
        return new TokenView(t.id, null, t.hint, t.description, t.createdAt);
    }
}
