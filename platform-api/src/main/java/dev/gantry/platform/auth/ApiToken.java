package dev.gantry.platform.auth;

import java.time.Instant;
import java.util.Optional;

import dev.gantry.platform.tenant.Tenant;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** A bearer token, stored hashed. Admin tokens have no tenant; all others act for exactly one tenant. */
@Entity
@Table(name = "api_token")
public class ApiToken extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "tenant_id")
    public Tenant tenant;

    @Column(nullable = false)
    public boolean admin;

    @Column(name = "token_hash", nullable = false, unique = true)
    public String tokenHash;

    @Column(nullable = false)
    public String hint;

    public String description;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** A token just made: the stored row, and the plain token that exists only in this answer. */
    public record Issued(ApiToken stored, String plain) {
    }

    /** Stores a new token for {@code tenant} (or an admin token when null). */
    public static Issued issue(Tenant tenant, String description) {
        return issue(tenant, description, Tokens.generate());
    }

    static Issued issue(Tenant tenant, String description, String plain) {
        ApiToken token = new ApiToken();
        token.tenant = tenant;
        token.admin = tenant == null;
        token.tokenHash = Tokens.hash(plain);
        token.hint = Tokens.hint(plain);
        token.description = description;
        token.createdAt = Instant.now();
        token.persist();
        return new Issued(token, plain);
    }

    public static Optional<ApiToken> findByPlainToken(String plain) {
        // The tenant is fetched with the token: the caller outlives this query's session.
        return find("from ApiToken t left join fetch t.tenant where t.tokenHash = ?1", Tokens.hash(plain))
                .firstResultOptional();
    }
}
