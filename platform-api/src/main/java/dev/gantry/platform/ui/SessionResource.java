package dev.gantry.platform.ui;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.auth.ApiToken;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * The dashboard's sign-in: {@code POST /ui/session {"token": "gantry_…"}} checks the token and opens a session
 * (cookie {@code gantry_session}: HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS); {@code GET} says who is
 * signed in; {@code DELETE} signs out. With the session cookie the browser may call the public API without an
 * Authorization header (see {@link DashboardSessions}). POST and DELETE need the {@code X-Gantry-CSRF} header too,
 * so another site cannot sign a browser in or out.
 */
@Path("/ui/session")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    @Inject
    DashboardSessions sessions;

    @Context
    UriInfo uri;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public Response signIn(SignIn body, @HeaderParam(DashboardSessions.CSRF_HEADER) String csrf,
                           @CookieParam(DashboardSessions.COOKIE) String previous) {
        requireCsrfHeader(csrf);
        String plain = body == null || body.token() == null ? "" : body.token().strip();
        if (plain.isEmpty()) {
            throw ApiException.unauthorized("Paste an API token to sign in (it starts with 'gantry_').");
        }
        ApiToken token = ApiToken.findByPlainToken(plain).orElseThrow(() -> ApiException.unauthorized(
                "That token was not accepted: check that you copied all of it. It may also have been revoked, "
                        + "or its tenant removed."));
        sessions.close(previous);
        String id = sessions.open(token);
        return Response.ok(view(token)).cookie(cookie(id, false)).header("Cache-Control", "no-store").build();
    }

    @GET
    @Transactional
    public Response who(@CookieParam(DashboardSessions.COOKIE) String id) {
        ApiToken token = sessions.tokenOf(id).orElseThrow(() -> ApiException.unauthorized(
                "You are not signed in (or your session ended): sign in with an API token."));
        return Response.ok(view(token)).header("Cache-Control", "no-store").build();
    }

    @DELETE
    public Response signOut(@HeaderParam(DashboardSessions.CSRF_HEADER) String csrf,
                            @CookieParam(DashboardSessions.COOKIE) String id) {
        requireCsrfHeader(csrf);
        sessions.close(id);
        return Response.noContent().cookie(cookie("", true)).build();
    }

    static void requireCsrfHeader(String csrf) {
        if (csrf == null || csrf.isBlank()) {
            throw ApiException.forbidden("This request must come from the Gantry dashboard itself (header "
                    + DashboardSessions.CSRF_HEADER + " missing).");
        }
    }

    private static SessionView view(ApiToken token) {
        return new SessionView(token.tenant == null ? null : token.tenant.name, token.tenant == null, token.hint);
    }

    private NewCookie cookie(String value, boolean expire) {
        NewCookie.Builder cookie = new NewCookie.Builder(DashboardSessions.COOKIE).value(value).path("/")
                .httpOnly(true).sameSite(NewCookie.SameSite.STRICT)
                .secure("https".equalsIgnoreCase(uri.getRequestUri().getScheme()));
        if (expire) {
            cookie.maxAge(0);
        }
        return cookie.build();
    }
}
