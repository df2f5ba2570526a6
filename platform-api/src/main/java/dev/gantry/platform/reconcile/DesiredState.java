package dev.gantry.platform.reconcile;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.gantry.platform.app.App;
import dev.gantry.platform.domain.Domain;
import dev.gantry.platform.config.ConfigVars;
import dev.gantry.platform.formation.Formation;
import dev.gantry.platform.quota.Quota;
import dev.gantry.platform.release.Release;
import dev.gantry.platform.tenant.Tenant;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Reads desired state from the database in one short transaction. */
@ApplicationScoped
class DesiredState {

    @Inject
    ConfigVars configVars;

    record Snapshot(List<DesiredApp> apps, Map<String, Quota> tenantQuotas) {
    }

    Snapshot load() {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<DesiredApp> apps = new ArrayList<>();
            Map<Long, List<String>> domains = new HashMap<>();
            for (Object[] row : Domain.getEntityManager().createQuery(
                    "select d.app.id, d.hostname from Domain d order by d.hostname", Object[].class).getResultList()) {
                domains.computeIfAbsent((Long) row[0], k -> new ArrayList<>()).add((String) row[1]);
            }
            for (App app : App.<App>list("select a from App a join fetch a.tenant order by a.id")) {
                Release release = Release.current(app).orElse(null);
                if (release == null) {
                    continue;
                }
                Map<String, String> env = new TreeMap<>(configVars.openSnapshot(app, release.version,
                        release.configSealed));
                apps.add(new DesiredApp(app.id, app.tenant.name, app.name, release.version, release.image, env,
                        Formation.snapshotOf(app), fingerprint(release.image, env, app), app.healthCheckPath,
                        app.egress, app.effectiveBackend(), domains.getOrDefault(app.id, List.of())));
            }
            Map<String, Quota> quotas = new TreeMap<>();
            for (Tenant t : Tenant.<Tenant>listAll()) {
                quotas.put(t.name, t.quota());
            }
            return new Snapshot(apps, quotas);
        });
    }

    /**
     * Identifies what an instance runs. Releases that differ only in formation, or a rollback to identical code
     * and config, keep the same fingerprint, so their instances are kept rather than replaced.
     */
    static String fingerprint(String image, Map<String, String> env, App app) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(String.valueOf(image).getBytes(StandardCharsets.UTF_8));
            env.forEach((k, v) -> {
                sha.update((byte) 0);
                sha.update(k.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) '=');
                sha.update(v.getBytes(StandardCharsets.UTF_8));
            });
            sha.update((byte) 0);
            sha.update(String.valueOf(app.restartedAt).getBytes(StandardCharsets.UTF_8));
            sha.update(String.valueOf(app.healthCheckPath).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) (app.egress ? 1 : 0));
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
