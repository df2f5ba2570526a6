package dev.gantry.platform.domain;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.gantry.platform.AfterCommit;
import dev.gantry.platform.GantryConfig;
import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.app.App;
import dev.gantry.platform.auth.CurrentCaller;
import dev.gantry.platform.event.Audit;
import dev.gantry.platform.routing.RoutePublisher;
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
 * An app's custom domains. The router answers them like the app's own name as soon as the route table is pushed;
 * TLS for them is a certificate installed at the router ({@code docs/router.md}). Point the domain's DNS at this
 * machine.
 */
@Path("/api/apps/{app}/domains")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DomainResource {

    /** Lowercase DNS names of two labels or more, optionally a leading "*." wildcard. */
    private static final Pattern HOSTNAME = Pattern.compile(
            "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    @Inject
    CurrentCaller caller;

    @Inject
    Audit audit;

    @Inject
    AfterCommit afterCommit;

    @Inject
    RoutePublisher routes;

    @Inject
    GantryConfig config;

    @GET
    public List<DomainView> list(@PathParam("app") String name) {
        return Domain.ofApp(app(name)).stream().map(DomainView::of).toList();
    }

    @POST
    @Transactional
    public Response add(@PathParam("app") String name, AddDomain body) {
        App app = app(name);
        if (body == null || body.hostname() == null || body.hostname().isBlank()) {
            throw ApiException.badRequest("Send the host name, e.g. {\"hostname\": \"shop.example.com\"}.");
        }
        String hostname = body.hostname().strip().toLowerCase(Locale.ROOT);
        if (hostname.length() > 253 || !HOSTNAME.matcher(hostname).matches()) {
            throw ApiException.invalid("'" + body.hostname() + "' is not a host name: use a name like shop.example.com "
                    + "or a wildcard like *.example.com.");
        }
        String base = config.baseDomain().toLowerCase(Locale.ROOT);
        if (hostname.equals(base) || hostname.endsWith("." + base)) {
            throw ApiException.invalid("Names under " + base + " are the platform's own (<app>.<tenant>." + base
                    + "); add a domain of your own.");
        }
        if (Domain.byHostname(hostname).isPresent()) {
            throw ApiException.conflict("domain-taken", hostname + " already belongs to an app.");
        }
        Domain d = new Domain();
        d.app = app;
        d.hostname = hostname;
        d.createdAt = Instant.now();
        d.persist();
        audit.record(app, "domain.add", "Added domain " + hostname, caller.get().label());
        afterCommit.run(routes::requestPublish);
        return Response.created(URI.create("/api/apps/" + app.name + "/domains/" + hostname))
                .entity(DomainView.of(d)).build();
    }

    @DELETE
    @Path("{hostname}")
    @Transactional
    public void remove(@PathParam("app") String name, @PathParam("hostname") String hostname) {
        App app = app(name);
        Domain d = Domain.byHostname(hostname.toLowerCase(Locale.ROOT)).filter(x -> x.app.id.equals(app.id))
                .orElseThrow(() -> ApiException.notFound("domain-not-found", "App '" + name + "' has no domain "
                        + hostname + "."));
        d.delete();
        audit.record(app, "domain.remove", "Removed domain " + d.hostname, caller.get().label());
        afterCommit.run(routes::requestPublish);
    }

    private App app(String name) {
        return App.requireInTenant(caller.get().requireTenant(), name);
    }
}
