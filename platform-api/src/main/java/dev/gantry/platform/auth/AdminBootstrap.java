package dev.gantry.platform.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import dev.gantry.platform.GantryConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * On the very first start, creates the admin token: {@code GANTRY_ADMIN_TOKEN} if set (for automation), else a
 * generated one. A generated token is printed once and kept in {@code <data-dir>/admin-token} (mode 0600), since
 * the database holds only its hash. Later starts create nothing and point to that file.
 */
@ApplicationScoped
public class AdminBootstrap {

    private static final Logger LOG = Logger.getLogger(AdminBootstrap.class);

    @Inject
    GantryConfig config;

    void onStart(@Observes StartupEvent event) {
        Path tokenFile = config.dataDir().resolve("admin-token");
        String chosen = config.adminToken().map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
        if (chosen != null && chosen.length() < Tokens.MIN_CHOSEN_LENGTH) {
            throw new IllegalStateException("GANTRY_ADMIN_TOKEN is too short: use at least "
                    + Tokens.MIN_CHOSEN_LENGTH + " random characters");
        }
        Outcome outcome = QuarkusTransaction.requiringNew().call(() -> {
            if (ApiToken.count("admin", true) > 0) {
                return new Outcome(null, chosen == null || ApiToken.findByPlainToken(chosen).isPresent());
            }
            String plain = chosen != null ? chosen : Tokens.generate();
            return new Outcome(ApiToken.issue(null, "bootstrap admin token", plain).plain(), true);
        });
        if (outcome.created() == null) {
            if (!outcome.chosenTokenValid()) {
                LOG.warn("GANTRY_ADMIN_TOKEN is not an admin token of this installation: it only applies on the "
                        + "first start. Use the existing admin token"
                        + (Files.exists(tokenFile) ? " in " + tokenFile : "") + ".");
            }
            LOG.infof("Admin token: %s", Files.exists(tokenFile)
                    ? "in " + tokenFile + " (created on the first start)"
                    : "the one set on the first start (GANTRY_ADMIN_TOKEN)");
        } else if (chosen == null) {
            save(tokenFile, outcome.created());
            LOG.infof("Admin token (shown once; also saved in %s, readable by you only): %s", tokenFile,
                    outcome.created());
        } else {
            LOG.info("Admin token: the one given in GANTRY_ADMIN_TOKEN");
        }
    }

    /** What the first-start check found: the token it created, if any, and whether GANTRY_ADMIN_TOKEN works. */
    private record Outcome(String created, boolean chosenTokenValid) {
    }

    private static void save(Path file, String token) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, token + "\n");
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("could not save the admin token in " + file + ": " + e.getMessage(), e);
        }
    }
}
