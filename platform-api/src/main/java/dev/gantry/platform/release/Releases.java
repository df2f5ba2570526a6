package dev.gantry.platform.release;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.app.App;
import dev.gantry.platform.auth.Caller;
import dev.gantry.platform.config.ConfigVars;
import dev.gantry.platform.event.Audit;
import dev.gantry.platform.formation.Formation;
import dev.gantry.platform.formation.FormationSpec;
import dev.gantry.platform.quota.QuotaGuard;
import dev.gantry.platform.quota.Usage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;

/**
 * Makes releases. Each one snapshots what the app runs at that moment — image, config, formation — so a
 * rollback restores all three together, not just the image.
 */
@ApplicationScoped
public class Releases {

    private static final TypeReference<Map<String, FormationSpec>> FORMATION = new TypeReference<>() { };

    @Inject
    ConfigVars configVars;

    @Inject
    QuotaGuard quotas;

    @Inject
    Audit audit;

    @Inject
    ObjectMapper json;

    /** A new release with the current release's image and the app's current config and formation. */
    public Release create(App app, String description, Caller who) {
        String image = Release.current(app).map(r -> r.image).orElse(null);
        return create(app, image, description, who);
    }

    /** The next version is taken under a lock on the app's row, so concurrent changes get distinct versions. */
    public Release create(App app, String image, String description, Caller who) {
        App.getEntityManager().lock(App.getEntityManager().merge(app), LockModeType.PESSIMISTIC_WRITE);
        int version = Release.current(app).map(r -> r.version + 1).orElse(1);
        Release r = new Release();
        r.app = app;
        r.version = version;
        r.image = image;
        r.configSealed = configVars.sealSnapshot(app, version, configVars.of(app));
        r.formation = write(Formation.snapshotOf(app));
        r.description = description;
        r.createdBy = who.label();
        r.createdAt = Instant.now();
        r.persist();
        audit.record(app, "release", "Release v" + version + ": " + description, who.label());
        return r;
    }

    /**
     * Makes vN+1 from vN: its image, its config and its formation (refused with 422 if that formation no
     * longer fits the tenant's quota).
     */
    public Release rollback(App app, int version, Caller who) {
        Release target = find(app, version);
        Map<String, FormationSpec> formation = read(target.formation);
        Usage now = Formation.snapshotOf(app).values().stream().map(FormationSpec::usage).reduce(Usage.NONE, Usage::plus);
        Usage then = formation.values().stream().map(FormationSpec::usage).reduce(Usage.NONE, Usage::plus);
        quotas.check(app.tenant.id, now, then);
        configVars.replace(app, configVars.openSnapshot(app, target.version, target.configSealed));
        Formation.restore(app, formation);
        audit.record(app, "rollback", "Rolled back to v" + target.version + " (its code, config and formation)",
                who.label());
        return create(app, target.image, "Rollback to v" + target.version, who);
    }

    /**
     * Makes vN+1 with the code and config of vN but the formation as it is: what the platform does on its own
     * when a new release never became healthy, so the instances that kept serving stay as they are.
     */
    public Release revertCode(App app, int version, String why, Caller who) {
        Release target = find(app, version);
        configVars.replace(app, configVars.openSnapshot(app, target.version, target.configSealed));
        return create(app, target.image, "Rollback to v" + target.version + " (" + why + ")", who);
    }

    private static Release find(App app, int version) {
        return Release.find(app, version).orElseThrow(() -> ApiException.notFound("release-not-found",
                "App '" + app.name + "' has no release v" + version + "."));
    }

    private String write(Map<String, FormationSpec> formation) {
        try {
            return json.writeValueAsString(formation);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("formation specs always serialise", e);
        }
    }

    private Map<String, FormationSpec> read(String formation) {
        try {
            return json.readValue(formation, FORMATION);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored formation snapshot is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
