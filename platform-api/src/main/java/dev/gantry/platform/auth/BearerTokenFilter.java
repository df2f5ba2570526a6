package dev.gantry.platform.auth;

import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import dev.gantry.platform.api.ApiException;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every request under {@code /api} with {@code Authorization: Bearer <token>}. There is no
 * anonymous API call, so a resource that forgets to check its caller is still never open to the world.
 */
public class BearerTokenFilter {

    private static final String SCHEME = "Bearer ";

    @Inject
    CurrentCaller current;

    @ServerRequestFilter
    @Transactional
    public void authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            throw ApiException.unauthorized("This call needs a token: send 'Authorization: Bearer <token>'.");
        }
        if (!header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            throw ApiException.unauthorized("Only bearer tokens are accepted: send 'Authorization: Bearer <token>'.");
        }
        String plain = header.substring(SCHEME.length()).strip();
        ApiToken token = ApiToken.findByPlainToken(plain).orElseThrow(() -> ApiException.unauthorized(
                "This token is not valid: it may have been deleted, or its tenant removed."));
        String label = token.hint + (token.description == null ? "" : " (" + token.description + ")");
        current.set(new Caller(token.id, token.tenant, label));
    }
}
