package dev.gantry.platform.api;

import java.util.Map;

/**
 * The platform's one error type for API callers: an HTTP status, a stable machine-readable code and a sentence
 * a person understands. {@link ProblemMapper} turns it into {@code application/problem+json} (RFC 9457).
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, Object> details;

    public ApiException(int status, String code, String detail) {
        this(status, code, detail, Map.of());
    }

    /** With {@code details}: machine-readable facts added to the problem document, e.g. the numbers of a refusal. */
    public ApiException(int status, String code, String detail, Map<String, Object> details) {
        super(detail);
        this.status = status;
        this.code = code;
        this.details = Map.copyOf(details);
    }

    public int status() {
        return status;
    }

    /** Stable and machine-readable, e.g. {@code app-not-found}; the problem's type is {@code urn:gantry:problem:<code>}. */
    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "bad-request", detail);
    }

    public static ApiException invalid(String detail) {
        return new ApiException(422, "invalid", detail);
    }

    public static ApiException unauthorized(String detail) {
        return new ApiException(401, "unauthorized", detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "forbidden", detail);
    }

    public static ApiException notFound(String code, String detail) {
        return new ApiException(404, code, detail);
    }

    public static ApiException conflict(String code, String detail) {
        return new ApiException(409, code, detail);
    }
}
