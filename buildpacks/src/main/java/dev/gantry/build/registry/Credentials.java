package dev.gantry.build.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A registry login: none, or a user name and password (sent as Basic, or traded for a Bearer token). */
public record Credentials(String username, String password) {

    public static Credentials none() {
        return new Credentials(null, null);
    }

    public static Credentials basic(String username, String password) {
        return new Credentials(username, password == null ? "" : password);
    }

    boolean present() {
        return username != null;
    }

    String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return present() ? "Credentials[" + username + ", ****]" : "Credentials[none]";
    }
}
