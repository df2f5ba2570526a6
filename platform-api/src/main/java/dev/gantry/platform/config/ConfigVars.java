package dev.gantry.platform.config;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.platform.app.App;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Reads and writes an app's config vars, and seals whole snapshots of them for releases. */
@ApplicationScoped
public class ConfigVars {

    @Inject
    ConfigCipher cipher;

    @Inject
    ObjectMapper json;

    /** The app's current config, sorted by name. */
    public Map<String, String> of(App app) {
        Map<String, String> vars = new TreeMap<>();
        for (ConfigVar v : ConfigVar.ofApp(app)) {
            vars.put(v.name, cipher.open(app.id, v.name, v.valueSealed));
        }
        return vars;
    }

    /** Makes the app's config exactly {@code next}; unchanged values keep their sealed bytes and timestamps. */
    public void replace(App app, Map<String, String> next) {
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

    /** Seals a whole config as one value, bound to the app and the release version it belongs to. */
    public byte[] sealSnapshot(App app, int version, Map<String, String> config) {
        try {
            return cipher.seal(app.id, snapshotName(version), json.writeValueAsString(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }

    public Map<String, String> openSnapshot(App app, int version, byte[] sealed) {
        try {
            return new TreeMap<>(json.readValue(cipher.open(app.id, snapshotName(version), sealed),
                    new TypeReference<Map<String, String>>() { }));
        } catch (JsonProcessingException e) {
            throw new ConfigKeyException("the config snapshot of v" + version + " is damaged: " + e.getOriginalMessage());
        }
    }

    private static String snapshotName(int version) {
        return "release:v" + version;
    }
}
