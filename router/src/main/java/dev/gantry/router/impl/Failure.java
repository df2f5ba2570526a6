package dev.gantry.router.impl;

import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * Every way a proxied request can fail, and the status each one becomes. This enum is the one
 * place where failures map to HTTP statuses; {@link ErrorPage} renders them.
 */
enum Failure {
    NO_ROUTE(404, "no-route", "No app here",
            "No app is configured for this hostname."),
    NO_INSTANCE(503, "no-instance", "App not available",
            "The app has no running, healthy instance right now. Try again shortly."),
    ORIGIN_UNREACHABLE(502, "origin-unreachable", "Bad gateway",
            "The app's instance refused or dropped the connection."),
    ORIGIN_RESET(502, "origin-reset", "Bad gateway",
            "The app's instance closed the connection before sending a complete response."),
    ORIGIN_TIMEOUT(504, "origin-timeout", "Gateway timeout",
            "The app did not answer in time."),
    BODY_TOO_LARGE(413, "body-too-large", "Request body too large",
            "The request body is larger than this router accepts."),
    BAD_REQUEST(400, "bad-request", "Bad request",
            "The router could not read this request."),
    HEADERS_TOO_LARGE(431, "headers-too-large", "Request header fields too large",
            "The request's headers are larger than this router accepts.");

    final int status;
    final String code;
    final String title;
    final String sentence;

    Failure(int status, String code, String title, String sentence) {
        this.status = status;
        this.code = code;
        this.title = title;
        this.sentence = sentence;
    }

    /** Classifies an exception from the origin side of an exchange. */
    static Failure ofOriginError(Throwable t) {
        if (t instanceof TimeoutException) {
            return ORIGIN_TIMEOUT;
        }
        if (t instanceof ConnectException) {
            return ORIGIN_UNREACHABLE; // refused, or connect timeout (a ConnectException subclass)
        }
        if (t instanceof HttpClosedException || t instanceof StreamResetException) {
            return ORIGIN_RESET;
        }
        return ORIGIN_RESET;
    }
}
