package dev.gantry.platform.config;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.app.App;
import dev.gantry.platform.auth.CurrentCaller;
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
 * unsets several at once (null unsets). Values are sealed before they are stored and are never logged.
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
    ConfigCipher cipher;

    @GET
    public Map<String, String> get(@PathParam("app") String appName) {
        App app = App.requireInTenant(caller.get().requireTenant(), appName);
        return current(app);
    }

    @PATCH
    @Transactional
    public Map<String, String> update(@PathParam("app") String appName, JsonNode body) {
        App app = App.requireInTenant(caller.get().requireTenant(), appName);
        if (body == null || !body.isObject() || body.isEmpty()) {
            throw ApiException.badRequest("Send the vars to set or unset, e.g. {\"DATABASE_URL\": \"postgres://…\", "
                    + "\"OLD_FLAG\": null}.");
        }
        Map<String, String> next = current(app);
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
        store(app, next);
        return next;
    }

    private Map<String, String> current(App app) {
        Map<String, String> vars = new TreeMap<>();
        for (ConfigVar v : ConfigVar.ofApp(app)) {
            vars.put(v.name, cipher.open(app.id, v.name, v.valueSealed));
        }
        return vars;
    }

    /** Writes only what changed: unchanged values keep their sealed bytes and timestamps. */
    private void store(App app, Map<String, String> next) {
        Instant now = Instant.now();
        Map<String, ConfigVar> stored = new TreeMap<>();
        ConfigVar.ofApp(app).forEach(v -> stored.put(v.name, v));
        stored.forEach((name, v) -> {
            String value = next.get(name);
            if (value == null) {
                v.delete();
            } else if (!value.equals(cipher.open(app.id, name, v.valueSealed))) {
                v.valueSealed = cipher.seal(app.id, name, value);
                v.updatedAt = now;
            }
        });
        next.forEach((name, value) -> {
            if (!stored.containsKey(name)) {
                ConfigVar v = new ConfigVar();
                v.app = app;
                v.name = name;
                v.valueSealed = cipher.seal(app.id, name, value);
                v.updatedAt = now;
                v.persist();
            }
        });
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
