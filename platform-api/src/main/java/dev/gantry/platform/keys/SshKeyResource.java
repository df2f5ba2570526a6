package dev.gantry.platform.keys;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.auth.CurrentCaller;
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

/** The tenant's public SSH keys, with which its members push over {@code ssh://git@host:2222/<tenant>/<app>.git}. */
@Path("/api/keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SshKeyResource {

    private static final int MAX_TITLE = 200;

    @Inject
    CurrentCaller caller;

    @POST
    @Transactional
    public Response add(AddKey body) {
        Tenant tenant = caller.get().requireTenant();
        PublicKeyLine key = PublicKeyLine.parse(body == null ? null : body.publicKey());
        String title = body.title() != null && !body.title().isBlank() ? body.title().strip()
                : key.comment().isBlank() ? key.type() + " key" : key.comment();
        if (title.length() > MAX_TITLE) {
            throw ApiException.invalid("A key title is at most " + MAX_TITLE + " characters.");
        }
        SshKey existing = SshKey.find("fingerprint", key.fingerprint()).firstResult();
        if (existing != null) {
            throw ApiException.conflict("key-exists", existing.tenant.id.equals(tenant.id)
                    ? "You have already added this key (" + key.fingerprint() + ")."
                    : "This key is already registered on this Gantry; each key can belong to one tenant only. "
                    + "Make a new key for this tenant (ssh-keygen -t ed25519).");
        }
        SshKey k = new SshKey();
        k.tenant = Tenant.getEntityManager().getReference(Tenant.class, tenant.id);
        k.fingerprint = key.fingerprint();
        k.publicKey = key.canonical();
        k.title = title;
        k.createdAt = Instant.now();
        k.persist();
        return Response.created(URI.create("/api/keys/" + k.id)).entity(SshKeyView.of(k)).build();
    }

    @GET
    public List<SshKeyView> list() {
        Tenant tenant = caller.get().requireTenant();
        return SshKey.<SshKey>list("tenant.id", Sort.by("id"), tenant.id).stream().map(SshKeyView::of).toList();
    }

    @DELETE
    @Path("{id}")
    @Transactional
    public void delete(@PathParam("id") long id) {
        Tenant tenant = caller.get().requireTenant();
        SshKey key = SshKey.<SshKey>findByIdOptional(id).filter(k -> k.tenant.id.equals(tenant.id))
                .orElseThrow(() -> ApiException.notFound("key-not-found", "You have no key with id " + id + "."));
        key.delete();
    }
}
