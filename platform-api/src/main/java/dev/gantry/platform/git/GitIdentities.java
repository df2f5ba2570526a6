package dev.gantry.platform.git;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;

import dev.gantry.git.AppDirectory;
import dev.gantry.git.AppRef;
import dev.gantry.git.GitAuthenticator;
import dev.gantry.git.GitKeyAuthenticator;
import dev.gantry.platform.GantryConfig;
import dev.gantry.platform.app.App;
import dev.gantry.platform.auth.ApiToken;
import dev.gantry.platform.keys.SshKey;
import dev.gantry.platform.tenant.Tenant;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;

/**
 * Who may push where: a tenant's API token (HTTP basic auth password) or one of its registered SSH keys, and
 * only to its own apps. Repositories are kept per app id, so an app deleted and created again starts empty.
 */
@ApplicationScoped
public class GitIdentities implements GitAuthenticator, GitKeyAuthenticator, AppDirectory {

    @Inject
    GantryConfig config;

    @Override
    public Optional<String> tenantForToken(String token) {
        return QuarkusTransaction.requiringNew().call(() -> ApiToken.findByPlainToken(token)
                .filter(t -> t.tenant != null).map(t -> t.tenant.name));
    }

    @Override
    public Optional<String> tenantForKey(PublicKey key) {
        String fingerprint = KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
        return QuarkusTransaction.requiringNew().call(() -> SshKey.<SshKey>find("fingerprint", fingerprint)
                .firstResultOptional().map(k -> k.tenant.name));
    }

    @Override
    public Optional<Path> repository(AppRef ref) {
        return QuarkusTransaction.requiringNew().call(() -> Tenant.findByName(ref.tenant())
                .flatMap(t -> App.findInTenant(t, ref.app()))
                .map(app -> repositoryOf(app.id)));
    }

    Path repositoryOf(long appId) {
        return config.dataDir().resolve("git").resolve(appId + ".git");
    }
}
