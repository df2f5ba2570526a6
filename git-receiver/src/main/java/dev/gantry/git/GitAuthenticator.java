package dev.gantry.git;

import java.util.Optional;

/**
 * Turns an API token (the password of HTTP basic auth; the user name is ignored) into the tenant it
 * acts for. Implemented by the platform against its token store.
 *
 * <p>Contract: return the tenant name for a valid, unrevoked token and {@link Optional#empty()} for
 * anything else; never throw for a bad token. Called once per HTTP request (git makes two or three
 * per push), so it should be cheap (one hashed lookup). The token must never be logged.
 */
@FunctionalInterface
public interface GitAuthenticator {

    Optional<String> tenantForToken(String token);
}
