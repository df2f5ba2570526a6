package dev.gantry.router.impl;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import io.vertx.core.http.HttpServerResponse;

/**
 * The small page a client gets when the router answers instead of the app. It names what
 * happened in words and in the {@code X-Gantry-Error} header (for scripts and tests).
 */
final class ErrorPage {

    static final String ERROR_HEADER = "X-Gantry-Error";

    private ErrorPage() {
    }

    /** @param closing the router will close the connection after this page, so tell the client not to reuse it */
    static void send(HttpServerResponse resp, Failure failure, String requestId, long retryAfterSeconds,
                     boolean head, boolean closing) {
        if (resp.headWritten() || resp.ended() || resp.closed()) {
            return;
        }
        String body = html(failure, requestId);
        resp.headers().clear();
        resp.setStatusCode(failure.status);
        resp.putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8");
        resp.putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        resp.putHeader(ERROR_HEADER, failure.code);
        if (requestId != null) {
            resp.putHeader(ProxyHeaders.REQUEST_ID, requestId);
        }
        if (closing) {
            resp.putHeader(HttpHeaders.CONNECTION, "close");
        }
        if (retryAfterSeconds > 0) {
            resp.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
        if (head) {
            resp.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
            resp.end();
        } else {
            resp.end(body);
        }
    }

    private static String html(Failure failure, String requestId) {
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + failure.status + " "
                + failure.title + "</title></head>\n<body><h1>" + failure.status + " " + failure.title
                + "</h1>\n<p>" + failure.sentence + "</p>\n<p><small>gantry router, request id "
                + escape(requestId) + "</small></p></body></html>\n";
    }

    /** The same page as a whole HTTP/1.1 response, for the plain-HTTP path. */
    static ByteBuf bytes(ByteBufAllocator alloc, Failure failure, String requestId, long retryAfterSeconds,
                         boolean head, boolean closing) {
        byte[] body = html(failure, requestId).getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(256)
                .append("HTTP/1.1 ").append(failure.status).append(' ')
                .append(HttpResponseStatus.valueOf(failure.status).reasonPhrase()).append("\r\n")
                .append("Content-Type: text/html; charset=utf-8\r\n")
                .append("Cache-Control: no-store\r\n")
                .append(ERROR_HEADER).append(": ").append(failure.code).append("\r\n");
        if (requestId != null) {
            h.append(ProxyHeaders.REQUEST_ID).append(": ").append(requestId).append("\r\n");
        }
        if (closing) {
            h.append("Connection: close\r\n");
        }
        if (retryAfterSeconds > 0) {
            h.append("Retry-After: ").append(retryAfterSeconds).append("\r\n");
        }
        h.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        ByteBuf out = alloc.buffer(h.length() + body.length);
        out.writeCharSequence(h, StandardCharsets.ISO_8859_1);
        if (!head) {
            out.writeBytes(body);
        }
        return out;
    }

    private static String escape(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
