package dev.gantry.platform.app;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.tenant.Tenant;
import dev.gantry.platform.tenant.TenantOwnedEntity;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** An application of one tenant; its name is unique within the tenant and is part of its host name. */
@Entity
@Table(name = "app")
public class App extends TenantOwnedEntity {

    @Column(nullable = false)
    public String name;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** Instances launched before this are replaced by a rolling restart; null if never restarted. */
    @Column(name = "restarted_at")
    public Instant restartedAt;

    /** An HTTP path that must answer 2xx/3xx before an instance gets traffic; null means a TCP check. */
    @Column(name = "health_check_path")
    public String healthCheckPath;

    /** Whether instances and runs may open connections to the outside (through NAT); builds always may. */
    @Column(nullable = false)
    public boolean egress = true;

    /** {@code local} or {@code kubernetes} (see {@link dev.gantry.platform.placement.Backend}); null inherits the tenant's. */
    @Column
    public String backend;

    /** Where this app's instances run. */
    public dev.gantry.platform.placement.Backend effectiveBackend() {
        return dev.gantry.platform.placement.Backend.effective(backend, tenant.backend);
    }

    public static List<App> ofTenant(Tenant tenant) {
        return list("tenant.id = ?1 order by name", tenant.id);
    }

    /** Only ever looks inside one tenant, so another tenant's app is as absent as a missing one. */
    public static Optional<App> findInTenant(Tenant tenant, String name) {
        return find("tenant.id = ?1 and name = ?2", tenant.id, name).firstResultOptional();
    }

    /** The tenant's app of that name, or a 404 that reads the same whether it is missing or another's. */
    public static App requireInTenant(Tenant tenant, String name) {
        return findInTenant(tenant, name).orElseThrow(() -> ApiException.notFound("app-not-found",
                "You have no app named '" + name + "'."));
    }

    public static long countOfTenant(Tenant tenant) {
        return count("tenant.id", tenant.id);
    }
}
