package dev.gantry.platform.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.gantry.platform.config.ConfigKeyException;
import jakarta.ws.rs.WebApplicationException;
import org.hibernate.exception.ConstraintViolationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where failures become HTTP responses: every error leaves the API as
 * {@code application/problem+json} with a sentence a person understands, never a stack trace.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri) {
        Response.ResponseBuilder response = Response.status(e.status()).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(e.status(), e.code(), e.getMessage(), uri.getPath(), e.details()));
        if (e.status() == 401) {
            response.header("WWW-Authenticate", "Bearer realm=\"gantry\"");
        }
        return response.build();
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return respond(400, "bad-json", "The request body is not valid JSON: " + firstLine(e.getOriginalMessage())
                + ".", uri).build();
    }

    /** Valid JSON of the wrong shape, e.g. a list where an object belongs (more specific than Quarkus' own). */
    @ServerExceptionMapper
    public Response shape(MismatchedInputException e, UriInfo uri) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return respond(400, "bad-json", "The request body has a field this call does not know: '"
                    + unknown.getPropertyName() + "'" + (unknown.getKnownPropertyIds() == null ? "." : "; it knows "
                    + unknown.getKnownPropertyIds() + "."), uri).build();
        }
        return respond(400, "bad-json", "The request body does not have the expected shape: "
                + firstLine(e.getOriginalMessage()) + ".", uri).build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof MismatchedInputException shape) {
            return shape(shape, uri);
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json, uri);
        }
        int status = e.getResponse().getStatus();
        String detail = switch (status) {
            case 404 -> "There is no such resource: " + uri.getPath() + ".";
            case 405 -> "This method is not allowed on " + uri.getPath() + ".";
            case 406 -> "This resource answers in JSON; ask for application/json.";
            case 415 -> "Send the request body as JSON (Content-Type: application/json).";
            case 400 -> "The request is malformed" + (e.getMessage() == null ? "." : ": " + e.getMessage());
            default -> e.getMessage() == null ? "The request failed." : e.getMessage();
        };
        String code = switch (status) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 415 -> "unsupported-media-type";
            default -> "http-" + status;
        };
        Response.ResponseBuilder response = respond(status, code, detail, uri);
        if (status == 405 && e.getResponse().getHeaderString("Allow") != null) {
            response.header("Allow", e.getResponse().getHeaderString("Allow"));
        }
        return response.build();
    }

    /** The operator's problem, not the caller's: say so without revealing anything about the key. */
    @ServerExceptionMapper
    public Response configKey(ConfigKeyException e, UriInfo uri) {
        LOG.errorf("config key problem on %s: %s", uri.getPath(), e.getMessage());
        return respond(503, "config-key", "This app's config vars cannot be read with the platform's current "
                + "config key; the operator must restore the key (see the platform log).", uri).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        // Two requests creating the same name at once: the loser's check passed, the unique index caught it.
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConstraintViolationException) {
                return respond(409, "conflict", "This conflicts with a change made at the same moment (the name "
                        + "is already taken); look again and retry.", uri).build();
            }
        }
        LOG.errorf(e, "unexpected error on %s", uri.getPath());
        return respond(500, "internal", "Something went wrong inside Gantry; the platform log has the details.", uri)
                .build();
    }

    private static Response.ResponseBuilder respond(int status, String code, String detail, UriInfo uri) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, code, detail, uri.getPath()));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
