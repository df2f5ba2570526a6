package dev.gantry.router.impl;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Header rules for both directions: hop-by-hop headers (RFC 9110 section 7.6.1) stay on their own
 * connection, and the forwarded request gets the {@code X-Forwarded-*}, {@code Via} and
 * {@code X-Request-Id} headers apps built for Heroku expect.
 */
final class ProxyHeaders {

    static final String REQUEST_ID = "X-Request-Id";
    static final String VIA_VALUE = "1.1 gantry";
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    private ProxyHeaders() {
    }

    /** Keeps a sane client-supplied request id (so traces join up), otherwise makes one. */
    static String requestId(HttpServerRequest req) {
        return requestId(req.getHeader(REQUEST_ID));
    }

    /** @param id the client's X-Request-Id header, or null */
    static String requestId(String id) {
        if (id != null && id.length() >= 1 && id.length() <= 200 && isVisibleAscii(id)) {
            return id;
        }
        // Not UUID.randomUUID(): it draws from SecureRandom, which costs more than the rest of the
        // proxying; request ids need uniqueness, not unpredictability.
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    private static boolean isVisibleAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** Copies end-to-end headers from {@code from} into {@code to}. */
    static void copyEndToEnd(MultiMap from, MultiMap to) {
        String connection = from.get(HttpHeaders.CONNECTION);
        for (Map.Entry<String, String> e : from) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || (connection != null && listedIn(connection, name))) {
                continue;
            }
            to.add(e.getKey(), e.getValue());
        }
    }

    private static boolean listedIn(String connectionHeader, String name) {
        for (String token : connectionHeader.split(",")) {
            if (token.trim().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Headers for the origin: the client's end-to-end headers plus what the router adds. */
    static void forOrigin(HttpServerRequest req, String host, String requestId, MultiMap out) {
        copyEndToEnd(req.headers(), out);
        out.remove(HttpHeaders.HOST); // carried as the request authority instead
        out.remove(HttpHeaders.EXPECT); // the router answers 100-continue itself
        String client = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
        if (client != null) {
            String prior = req.getHeader("X-Forwarded-For");
            out.set("X-Forwarded-For", prior == null || prior.isBlank() ? client : prior + ", " + client);
        }
        // The router is the edge: protocol, port and host are what the client used to reach it.
        out.set("X-Forwarded-Proto", req.isSSL() ? "https" : "http");
        if (req.localAddress() != null) {
            out.set("X-Forwarded-Port", Integer.toString(req.localAddress().port()));
        }
        if (host != null) {
            out.set("X-Forwarded-Host", host);
        }
        out.set(REQUEST_ID, requestId);
        String via = req.getHeader("Via");
        out.set("Via", via == null ? VIA_VALUE : via + ", " + VIA_VALUE);
    }
}
