package dev.gantry.platform.db;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A connection to an existing PostgreSQL server, as an operator writes it in {@code GANTRY_DB_URL}: either the
 * libpq form {@code postgresql://user:password@host:5432/db?sslmode=require} (what Heroku, psql and most hosted
 * databases print) or a JDBC URL {@code jdbc:postgresql://host/db?user=...}.
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {

    public static DatabaseUrl parse(String url) {
        String value = url == null ? "" : url.strip();
        if (value.startsWith("jdbc:postgresql:")) {
            return new DatabaseUrl(value, null, null);
        }
        if (!value.startsWith("postgresql://") && !value.startsWith("postgres://")) {
            throw new DatabaseException("GANTRY_DB_URL must look like postgresql://user:password@host:5432/database "
                    + "or jdbc:postgresql://host:5432/database, not '" + redact(value) + "'");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new DatabaseException("GANTRY_DB_URL is not a valid URL (" + e.getReason() + ")");
        }
        if (uri.getHost() == null) {
            throw new DatabaseException("GANTRY_DB_URL names no host: '" + redact(value) + "'");
        }
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(uri.getHost());
        if (uri.getPort() != -1) {
            jdbc.append(':').append(uri.getPort());
        }
        jdbc.append('/').append(database);
        if (uri.getRawQuery() != null) {
            jdbc.append('?').append(uri.getRawQuery());
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        return new DatabaseUrl(jdbc.toString(), user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The URL without its password, safe to print. */
    static String redact(String url) {
        return url.replaceAll("(://[^:/@]+:)[^@]*@", "$1***@");
    }

    @Override
    public String toString() {
        return "DatabaseUrl[" + jdbcUrl + ", user=" + user + "]";
    }
}
