package dev.gantry.platform.release;

import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gantry.build.Builder;
import dev.gantry.build.registry.Credentials;
import dev.gantry.build.registry.RegistryClient;
import dev.gantry.build.registry.RegistryException;
import dev.gantry.build.registry.RegistryReference;
import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.app.App;
import dev.gantry.platform.auth.CurrentCaller;
import dev.gantry.platform.placement.Backend;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** An app's releases, newest first, and rollback to any of them. */
@Path("/api/apps/{app}/releases")
@Produces(MediaType.APPLICATION_JSON)
public class ReleaseResource {

    private static final Pattern VERSION = Pattern.compile("v?(\\d{1,9})");

    @Inject
    CurrentCaller caller;

    @Inject
    Releases releases;

    @Inject
    Builder builder;

    @GET
    public List<ReleaseView> list(@PathParam("app") String appName) {
        App app = App.requireInTenant(caller.get().requireTenant(), appName);
        List<Release> all = Release.ofApp(app);
        return all.stream().map(r -> ReleaseView.of(r, r == all.get(0))).toList();
    }

    @GET
    @Path("{version}")
    public ReleaseView get(@PathParam("app") String appName, @PathParam("version") String version) {
        App app = App.requireInTenant(caller.get().requireTenant(), appName);
        int v = parse(version);
        Release r = Release.find(app, v).orElseThrow(() -> ApiException.notFound("release-not-found",
                "App '" + appName + "' has no release v" + v + "."));
        return ReleaseView.of(r, Release.current(app).map(c -> c.version == v).orElse(false));
    }

    /**
     * A release of an image already in a registry ({@code {"image": "registry.example/team/web@sha256:…"}}), for
     * apps on the Kubernetes backend: the cluster pulls it as it is. It must be an image Gantry built and pushed
     * (its entrypoint is Gantry's launcher, which runs the process types). The local engine runs only images it
     * holds, so local apps get theirs from {@code git push}.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    public Response create(@PathParam("app") String appName, NewRelease body) {
        App app = App.requireInTenant(caller.get().requireTenant(), appName);
        if (body == null || body.image() == null || body.image().isBlank()) {
            throw ApiException.badRequest("Send the image to release, e.g. {\"image\": \"registry.example/team/web@sha256:…\"}.");
        }
        String image = body.image().strip();
        if (!REGISTRY_IMAGE.matcher(image).matches()) {
            throw ApiException.invalid("'" + image + "' is not an image in a registry; it looks like "
                    + "host[:port]/path@sha256:<64 hex digits> or host[:port]/path:tag.");
        }
        if (app.effectiveBackend() != Backend.KUBERNETES) {
            throw new ApiException(422, "backend-mismatch", "App '" + appName + "' runs on the local engine, which runs "
                    + "the images Gantry builds from git push; releases of registry images are for apps on Kubernetes.");
        }
        Release made = releases.create(app, image, body.description() == null ? "Image " + image : body.description(),
                caller.get());
        return Response.created(URI.create("/api/apps/" + appName + "/releases/v" + made.version))
                .entity(ReleaseView.of(made, true)).build();
    }

    /** {@code host[:port]/path} (the host has a dot or a port, or is localhost) then {@code @sha256:…} or {@code :tag}. */
    private static final Pattern REGISTRY_IMAGE = Pattern.compile(
            "(localhost|[a-z0-9.-]+\\.[a-z0-9.-]+|[a-z0-9.-]+:\\d{1,5})(:\\d{1,5})?(/[a-z0-9._-]+)+"
                    + "(@sha256:[0-9a-f]{64}|:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");

    public record NewRelease(String image, String description) {
    }

    /**
     * Pushes the release's image to a registry ({@code {"repository": "registry.example:5000/team/shop:v3",
     * "username": …, "password": …}}), for a user who wants it elsewhere. Blobs the registry has are skipped.
     */
    @POST
    @Path("{version}/push")
    @Consumes(MediaType.APPLICATION_JSON)
    public PushedImage push(@PathParam("app") String appName, @PathParam("version") String version, PushImage body) {
        App app = App.requireInTenant(caller.get().requireTenant(), appName);
        int v = parse(version);
        Release r = Release.find(app, v).orElseThrow(() -> ApiException.notFound("release-not-found",
                "App '" + appName + "' has no release v" + v + "."));
        if (body == null || body.repository() == null) {
            throw ApiException.badRequest("Send where to push, e.g. {\"repository\": \"registry.example:5000/team/shop:v3\"}.");
        }
        if (r.image == null) {
            throw ApiException.invalid("Release v" + v + " has no image yet: push code with git first.");
        }
        if (r.image.contains("/")) {
            throw ApiException.invalid("Release v" + v + " is already an image in a registry: " + r.image + ".");
        }
        RegistryReference ref;
        try {
            ref = RegistryReference.parse(body.repository());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        Credentials creds = body.username() == null ? Credentials.none() : Credentials.basic(body.username(), body.password());
        try {
            String digest = new RegistryClient().push(builder.images(), r.image, ref, creds, (d, s, t) -> { });
            return new PushedImage(ref.registry() + "/" + ref.repository(), ref.tag(), digest);
        } catch (RegistryException e) {
            int status = e.status() == 401 || e.status() == 403 ? 422 : 502;
            throw new ApiException(status, "registry-push-failed", e.getMessage());
        }
    }

    public record PushImage(String repository, String username, String password) {
    }

    public record PushedImage(String repository, String tag, String digest) {
    }

    /** Makes a new release from {@code version}: its code, config and formation. */
    @POST
    @Path("{version}/rollback")
    @Transactional
    public Response rollback(@PathParam("app") String appName, @PathParam("version") String version) {
        App app = App.requireInTenant(caller.get().requireTenant(), appName);
        Release made = releases.rollback(app, parse(version), caller.get());
        return Response.created(URI.create("/api/apps/" + appName + "/releases/v" + made.version))
                .entity(ReleaseView.of(made, true)).build();
    }

    private static int parse(String version) {
        Matcher m = VERSION.matcher(version);
        if (!m.matches() || Integer.parseInt(m.group(1)) == 0) {
            throw ApiException.invalid("'" + version + "' is not a release version; versions look like v3 (or 3).");
        }
        return Integer.parseInt(m.group(1));
    }
}
