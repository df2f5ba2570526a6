package dev.gantry.platform.auth;

import java.net.URI;
import java.util.List;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.tenant.Tenant;
import io.quarkus.panache.common.Sort;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The caller's own tokens: a tenant's token makes and lists that tenant's tokens, the admin token admin tokens
 * (so automation can rotate them). A token is shown in full only in the response that creates it.
 */
@Path("/api/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TokenResource {

    private static final int MAX_DESCRIPTION = 200;

    @Inject
    CurrentCaller caller;

    @POST
    @Transactional
    public Response create(CreateToken body) {
        Caller who = caller.get();
        String description = body == null ? null : body.description();
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw ApiException.invalid("A token description is at most " + MAX_DESCRIPTION + " characters.");
        }
        Tenant tenant = who.isAdmin() ? null : Tenant.getEntityManager().getReference(Tenant.class, who.tenant().id);
        ApiToken.Issued issued = ApiToken.issue(tenant, description);
        ApiToken stored = issued.stored();
        return Response.created(URI.create("/api/tokens/" + stored.id))
                .entity(new TokenView(stored.id, issued.plain(), stored.hint, stored.description, stored.createdAt))
                .build();
    }

    @GET
    public List<TokenView> list() {
        Caller who = caller.get();
        List<ApiToken> tokens = who.isAdmin()
                ? ApiToken.list("admin", Sort.by("id"), true)
                : ApiToken.list("tenant.id", Sort.by("id"), who.tenant().id);
        return tokens.stream().map(TokenView::of).toList();
    }

    /** Revokes one of the caller's tokens, the one in use included; the last admin token cannot be revoked. */
    @DELETE
    @Path("{id}")
    @Transactional
    public void delete(@PathParam("id") long id) {
        Caller who = caller.get();
        ApiToken token = ApiToken.<ApiToken>findByIdOptional(id)
                .filter(t -> who.isAdmin() ? t.admin : t.tenant != null && t.tenant.id.equals(who.tenant().id))
                .orElseThrow(() -> ApiException.notFound("token-not-found", "You have no token with id " + id + "."));
        if (token.admin && ApiToken.count("admin", true) == 1) {
            throw ApiException.conflict("last-admin-token",
                    "This is the last admin token; create another one before revoking it.");
        }
        token.delete();
    }
}
