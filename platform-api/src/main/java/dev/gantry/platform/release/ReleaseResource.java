package dev.gantry.platform.release;

import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.app.App;
import dev.gantry.platform.auth.CurrentCaller;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
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
