package dev.gantry.git.http;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as any server sees it, so the git handler needs no servlet container.
 *
 * @param method  {@code GET} or {@code POST}
 * @param path    the decoded path, including the mount prefix (e.g. {@code /git/acme/web.git/info/refs})
 * @param query   the raw query string, or empty
 * @param headers request headers; names are matched without regard to case
 * @param body    the request body as sent (the handler undoes {@code Content-Encoding: gzip} itself)
 */
public record GitHttpRequest(String method, String path, String query, Map<String, List<String>> headers,
                             InputStream body) {

    /** The first value of a header, by case-insensitive name. */
    public Optional<String> header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return Optional.ofNullable(e.getValue().get(0));
            }
        }
        return Optional.empty();
    }

    /** A query parameter's value (no decoding needed for git's {@code service=} parameter). */
    public Optional<String> queryParam(String name) {
        if (query == null || query.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return Optional.of(pair.substring(eq + 1));
            }
        }
        return Optional.empty();
    }
}
