package dev.gantry.platform.tenant;

import java.time.Instant;
import java.util.Optional;

import dev.gantry.platform.quota.Quota;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A customer of the platform: owns apps and tokens, and (later) a quota the kernel enforces. */
@Entity
@Table(name = "tenant")
public class Tenant extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false, unique = true)
    public String name;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Quota limits; null is unlimited. */
    @Column(name = "quota_memory_mb")
    public Integer quotaMemoryMb;

    @Column(name = "quota_instances")
    public Integer quotaInstances;

    @Column(name = "quota_millicpus")
    public Integer quotaMillicpus;

    /** {@code local} or {@code kubernetes}: where its apps run unless an app says otherwise; null is local. */
    @Column
    public String backend;

    public Quota quota() {
        return new Quota(quotaMemoryMb, quotaInstances, quotaMillicpus);
    }

    public void setQuota(Quota quota) {
        quotaMemoryMb = quota.memoryMb();
        quotaInstances = quota.instances();
        quotaMillicpus = quota.millicpus();
    }

    public static Optional<Tenant> findByName(String name) {
        return find("name", name).firstResultOptional();
    }
}
