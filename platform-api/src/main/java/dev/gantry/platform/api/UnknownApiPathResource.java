package dev.gantry.platform.api;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;

/**
 * Answers paths under /api that no resource claims, so that a typo gets a problem document (404) like every
 * other error, rather than the HTTP server's plain-text page. More specific resources always win the match.
 */
@Path("/api/{path: .*}")
public class UnknownApiPathResource {

    @GET
    public void get() {
        throw unknown();
    }

    @POST
    public void post() {
        throw unknown();
    }

    @PUT
    public void put() {
        throw unknown();
    }

    @PATCH
    public void patch() {
        throw unknown();
    }

    @DELETE
    public void delete() {
        throw unknown();
    }

    private static ApiException unknown() {
        return ApiException.notFound("not-found", "There is no such API resource. The API is described at /q/openapi.");
    }
}
