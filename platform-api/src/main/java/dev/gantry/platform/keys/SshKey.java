package dev.gantry.platform.keys;

import java.time.Instant;

import dev.gantry.platform.tenant.TenantOwnedEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A tenant's public key for git over SSH. */
@Entity
@Table(name = "ssh_key")
public class SshKey extends TenantOwnedEntity {

    @Column(nullable = false, unique = true)
    public String fingerprint;

    /** {@code <type> <base64>}, without the comment. */
    @Column(name = "public_key", nullable = false)
    public String publicKey;

    @Column(nullable = false)
    public String title;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
