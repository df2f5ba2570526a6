package dev.gantry.platform.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.app.App;
import dev.gantry.platform.auth.CurrentCaller;
import dev.gantry.platform.release.Releases;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * An app's config vars, the environment its processes get: {@code PATCH {"KEY": "value", "OLD": null}} sets and
 * unsets several at once (null unsets). Values are sealed before they are stored and are never logged. A change
 * makes a new release (the reconciler rolls the app's instances onto it).
 */
@Path("/api/apps/{app}/config")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ConfigResource {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");
    /** Set by Gantry itself for every process; an app cannot override them. */
    private static final Set<String> RESERVED = Set.of("PORT", "DYNO");
    private static final String RESERVED_PREFIX = "GANTRY_";
    /** Like Heroku's 32 kB limit on an app's whole config: environments are not a data store. */
    static final int MAX_TOTAL_BYTES = 32 * 1024;

    @Inject
    CurrentCaller caller;

    @Inject
    ConfigVars configVars;

    @Inject
    Releases releases;

    @GET
    public Map<String, String> get(@PathParam("app") String appName) {
        App app = App.requireInTenant(caller.get().requireTenant(), appName);
        return configVars.of(app);
    }

    @PATCH
    @Transactional
    public Map<String, String> update(@PathParam("app") String appName, JsonNode body) {
        App app = App.requireInTenant(caller.get().requireTenant(), appName);
        if (body == null || !body.isObject() || body.isEmpty()) {
            throw ApiException.badRequest("Send the vars to set or unset, e.g. {\"DATABASE_URL\": \"postgres://…\", "
                    + "\"OLD_FLAG\": null}.");
        }
        Map<String, String> before = configVars.of(app);
        Map<String, String> next = new TreeMap<>(before);
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = checkedName(e.getKey());
            JsonNode value = e.getValue();
            if (value.isNull()) {
                next.remove(name);
            } else if (value.isTextual()) {
                next.put(name, value.asText());
            } else {
                throw ApiException.invalid("The value of " + name + " must be a string (or null to unset it), not "
                        + value.getNodeType().name().toLowerCase() + "; quote it, e.g. \"" + value + "\".");
            }
        }
        int total = next.entrySet().stream()
                .mapToInt(e -> e.getKey().length() + e.getValue().getBytes(StandardCharsets.UTF_8).length).sum();
        if (total > MAX_TOTAL_BYTES) {
            throw ApiException.invalid("An app's config vars may hold " + MAX_TOTAL_BYTES / 1024 + " kB in total; "
                    + "this change would make it " + total + " bytes. Keep large data in files or a database.");
        }
        if (!next.equals(before)) {
            configVars.replace(app, next);
            releases.create(app, describeChange(before, next), caller.get());
        }
        return next;
    }

    /** "Set DATABASE_URL, FEATURE_X; unset OLD": names only, values never leave the sealed store. */
    private static String describeChange(Map<String, String> before, Map<String, String> after) {
        List<String> set = after.keySet().stream().filter(k -> !after.get(k).equals(before.get(k))).toList();
        List<String> unset = before.keySet().stream().filter(k -> !after.containsKey(k)).toList();
        List<String> parts = new ArrayList<>();
        if (!set.isEmpty()) {
            parts.add("Set " + String.join(", ", set));
        }
        if (!unset.isEmpty()) {
            parts.add((parts.isEmpty() ? "Unset " : "unset ") + String.join(", ", unset));
        }
        return String.join("; ", parts);
    }

    private static String checkedName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw ApiException.invalid("'" + name + "' is not a config var name: letters, digits and '_', not "
                    + "starting with a digit (like DATABASE_URL).");
        }
        if (RESERVED.contains(name) || name.startsWith(RESERVED_PREFIX)) {
            throw ApiException.invalid(name + " is set by Gantry for every process and cannot be changed.");
        }
        return name;
    }
}
