package dev.gantry.platform.api;

import java.util.regex.Pattern;

/**
 * Tenant and app names are DNS labels (RFC 1123), because they become host names:
 * {@code <app>.<tenant>.<base-domain>}. Lowercase only, so a name has exactly one spelling.
 */
public final class Names {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final int MAX_LENGTH = 63;

    private Names() {
    }

    /** Returns {@code name} if it is a valid name for a {@code kind} ("app", "tenant"), else a 422 saying why. */
    public static String requireDnsLabel(String kind, String name) {
        if (name == null || name.isBlank()) {
            throw ApiException.invalid("A " + kind + " name is required, e.g. {\"name\": \"my-" + kind + "\"}.");
        }
        if (name.length() > MAX_LENGTH) {
            throw ApiException.invalid("'" + abbreviate(name) + "' is too long for a " + kind + " name: at most "
                    + MAX_LENGTH + " characters, it has " + name.length() + ".");
        }
        if (!DNS_LABEL.matcher(name).matches()) {
            String hint = name.equals(name.toLowerCase()) ? "" : " (names are lowercase)";
            throw ApiException.invalid("'" + name + "' is not a valid " + kind + " name" + hint
                    + ": use lowercase letters, digits and dashes, starting and ending with a letter or digit.");
        }
        return name;
    }

    private static String abbreviate(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "…";
    }
}
