package dev.gantry.platform.auth;

import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.ui.DashboardSessions;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every request under {@code /api} with {@code Authorization: Bearer <token>}. There is no
 * anonymous API call, so a resource that forgets to check its caller is still never open to the world.
 * Without an Authorization header, the dashboard's session cookie is accepted instead ({@link DashboardSessions});
 * an unsafe request authenticated that way must also carry the {@code X-Gantry-CSRF} header.
 */
public class BearerTokenFilter {

    private static final String SCHEME = "Bearer ";

    @Inject
    CurrentCaller current;

    @Inject
    DashboardSessions sessions;

    @ServerRequestFilter
    @Transactional
    public void authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            Cookie session = request.getCookies().get(DashboardSessions.COOKIE);
            if (session != null && !session.getValue().isBlank()) {
                current.set(sessionCaller(request, session.getValue()));
                return;
            }
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

    private Caller sessionCaller(ContainerRequestContext request, String sessionId) {
        Caller caller = sessions.caller(sessionId).orElseThrow(() -> ApiException.unauthorized(
                "Your dashboard session has ended: sign in again."));
        String method = request.getMethod();
        boolean safe = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        String csrf = request.getHeaderString(DashboardSessions.CSRF_HEADER);
        if (!safe && (csrf == null || csrf.isBlank())) {
            throw ApiException.forbidden("This request must come from the Gantry dashboard itself (header "
                    + DashboardSessions.CSRF_HEADER + " missing), or carry 'Authorization: Bearer <token>'.");
        }
        return caller;
    }
}
