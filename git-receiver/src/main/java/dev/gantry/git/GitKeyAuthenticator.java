package dev.gantry.git;

import java.security.PublicKey;
import java.util.Optional;

/**
 * Turns an SSH public key (one the user registered through the API) into the tenant it acts for.
 * Implemented by the platform against its key store.
 *
 * <p>Contract: return the tenant for a registered key and {@link Optional#empty()} otherwise; never
 * throw for an unknown key. The SSH server has already checked that the client holds the private key
 * when the tenant is used (sshd verifies the signature after this lookup accepts the key).
 */
@FunctionalInterface
public interface GitKeyAuthenticator {

    Optional<String> tenantForKey(PublicKey key);
}
