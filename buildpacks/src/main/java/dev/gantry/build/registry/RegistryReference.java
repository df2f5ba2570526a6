package dev.gantry.build.registry;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an image goes: {@code registry} (host[:port]), {@code repository} (path) and {@code tag}, parsed from
 * {@code host[:port]/path[:tag]}. Loopback registries are spoken to over plain HTTP (that is how a local
 * registry runs), every other one over HTTPS.
 */
public record RegistryReference(String registry, String repository, String tag) {

    private static final Pattern FORM = Pattern.compile(
            "([a-zA-Z0-9.-]+(?::\\d{1,5})?)/([a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)"
                    + "(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?");

    public static RegistryReference parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a registry repository; it looks like "
                    + "registry.example:5000/team/app[:tag]");
        }
        return new RegistryReference(m.group(1), m.group(2), m.group(3) == null ? "latest" : m.group(3));
    }

    public String baseUrl() {
        String host = registry.replaceFirst(":\\d+$", "");
        boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
        return (loopback ? "http://" : "https://") + registry;
    }

    @Override
    public String toString() {
        return registry + "/" + repository + ":" + tag;
    }
}
