package dev.gantry.platform.formation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.app.App;
import dev.gantry.platform.auth.CurrentCaller;
import dev.gantry.platform.event.Audit;
import dev.gantry.platform.placement.Backend;
import dev.gantry.platform.reconcile.Reconciler;
import dev.gantry.platform.quota.QuotaGuard;
import dev.gantry.platform.quota.Resources;
import dev.gantry.platform.quota.Usage;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * An app's formation: per process type, how many instances and how big. This is desired state; the reconciler
 * makes the engine match it. Sizes default to 256M with CPU in proportion to memory (a quarter core per 256M,
 * as Heroku's dyno sizes scale both together) unless {@code cpus} is given.
 */
@Path("/api/apps/{app}/formation")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class FormationResource {

    static final int DEFAULT_MEMORY_MB = Formation.DEFAULT_MEMORY_MB;
    static final int MAX_QUANTITY = 100;
    /** A cluster spreads instances over many machines; one machine's engine stops at {@link #MAX_QUANTITY}. */
    static final int MAX_QUANTITY_ON_KUBERNETES = 1000;
    private static final Pattern PROCESS_TYPE = Pattern.compile("[a-z][a-z0-9_-]{0,29}");

    @Inject
    CurrentCaller caller;

    @Inject
    QuotaGuard quotas;

    @Inject
    Audit audit;

    @Inject
    Reconciler reconciler;

    @GET
    public Map<String, FormationView> get(@PathParam("app") String appName) {
        return view(Formation.ofApp(app(appName)));
    }

    /**
     * Changes several process types at once, all or nothing: one over the quota refuses the whole request. The
     * new values are planned first and checked against the quota before any entity changes, because Hibernate
     * would flush changed entities into the usage query that the check runs.
     */
    @PATCH
    @Transactional
    public Map<String, FormationView> update(@PathParam("app") String appName, Map<String, FormationChange> body) {
        App app = app(appName);
        if (body == null || body.isEmpty()) {
            throw ApiException.badRequest("Send the process types to change, e.g. {\"web\": {\"quantity\": 2, "
                    + "\"size\": \"512M\"}}.");
        }
        List<Planned> plan = new ArrayList<>();
        for (var entry : new TreeMap<>(body).entrySet()) {
            plan.add(plan(app, entry.getKey(), entry.getValue()));
        }
        Usage replaced = plan.stream().map(p -> p.existing() == null ? Usage.NONE : p.existing().usage())
                .reduce(Usage.NONE, Usage::plus);
        Usage replacement = plan.stream().map(p -> Usage.of(p.quantity(), p.memoryMb(), p.millicpus()))
                .reduce(Usage.NONE, Usage::plus);
        quotas.check(app.tenant.id, replaced, replacement);
        if (app.effectiveBackend() == Backend.KUBERNETES) {
            Map<String, FormationSpec> next = new TreeMap<>(Formation.snapshotOf(app));
            plan.forEach(p -> next.put(p.type(), new FormationSpec(p.quantity(), p.memoryMb(), p.millicpus())));
            reconciler.checkOnKubernetes(app.id, next);
        }

        Instant now = Instant.now();
        for (Planned p : plan) {
            Formation f = p.existing() != null ? p.existing() : new Formation();
            f.app = app;
            f.type = p.type();
            f.quantity = p.quantity();
            f.memoryMb = p.memoryMb();
            f.millicpus = p.millicpus();
            f.updatedAt = now;
            f.persist();
        }
        audit.record(app, "scale", plan.stream().map(p -> p.type() + "=" + p.quantity() + ":"
                + Resources.formatMemory(p.memoryMb())).collect(Collectors.joining(" ", "Scaled ", "")),
                caller.get().label());
        return view(Formation.ofApp(app));
    }

    /** A process type's formation after a change, not yet applied; {@code existing} is null for a new type. */
    private record Planned(Formation existing, String type, int quantity, int memoryMb, int millicpus) {
    }

    private static Planned plan(App app, String type, FormationChange change) {
        if (!PROCESS_TYPE.matcher(type).matches()) {
            throw ApiException.invalid("'" + type + "' is not a process type name: lowercase letters, digits, "
                    + "'-' and '_', starting with a letter, at most 30 characters (like 'web' or 'worker').");
        }
        if (change == null) {
            throw ApiException.invalid("Give " + type + " a quantity and/or a size, e.g. {\"quantity\": 2}.");
        }
        Formation existing = Formation.find(app, type).orElse(null);
        int quantity = existing == null ? 0 : existing.quantity;
        int memoryMb = existing == null ? DEFAULT_MEMORY_MB : existing.memoryMb;
        int millicpus = existing == null ? proportionalMillicpus(DEFAULT_MEMORY_MB) : existing.millicpus;
        if (change.quantity() != null) {
            int max = app.effectiveBackend() == Backend.KUBERNETES ? MAX_QUANTITY_ON_KUBERNETES : MAX_QUANTITY;
            if (change.quantity() < 0 || change.quantity() > max) {
                throw ApiException.invalid("The quantity of " + type + " must be between 0 and " + max
                        + ", not " + change.quantity() + ".");
            }
            quantity = change.quantity();
        }
        if (change.size() != null) {
            memoryMb = Resources.parseMemoryMb("the size of " + type, change.size());
            millicpus = proportionalMillicpus(memoryMb);
        }
        if (change.cpus() != null) {
            millicpus = Resources.parseMillicpus("the cpus of " + type, change.cpus());
        }
        return new Planned(existing, type, quantity, memoryMb, millicpus);
    }

    static int proportionalMillicpus(int memoryMb) {
        return Formation.proportionalMillicpus(memoryMb);
    }

    private App app(String name) {
        return App.requireInTenant(caller.get().requireTenant(), name);
    }

    private static Map<String, FormationView> view(List<Formation> formations) {
        Map<String, FormationView> view = new LinkedHashMap<>();
        formations.forEach(f -> view.put(f.type, FormationView.of(f)));
        return view;
    }
}
