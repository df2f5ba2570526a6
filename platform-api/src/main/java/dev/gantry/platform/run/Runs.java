package dev.gantry.platform.run;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.app.App;
import dev.gantry.platform.config.ConfigVars;
import dev.gantry.platform.event.Audit;
import dev.gantry.platform.instance.Instance;
import dev.gantry.platform.instance.InstanceBackend;
import dev.gantry.platform.instance.InstanceLabels;
import dev.gantry.platform.instance.LaunchRequest;
import dev.gantry.platform.placement.Backend;
import dev.gantry.platform.quota.QuotaGuard;
import dev.gantry.platform.reconcile.Reconciler;
import dev.gantry.platform.quota.Resources;
import dev.gantry.platform.quota.Usage;
import dev.gantry.platform.release.Release;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * One-off runs ({@code heroku run}): a command in a fresh container of the app's current release, with its
 * config, on its tenant's network and inside its tenant's quota (on Kubernetes: a Job in its namespace). The container is removed when the command
 * ends or its time limit passes; the output goes to the caller and into the app's log stream.
 */
@ApplicationScoped
public class Runs {

    static final int DEFAULT_MEMORY_MB = 256;
    static final int DEFAULT_TIMEOUT_S = 600;
    static final int MAX_TIMEOUT_S = 3600;
    static final int MAX_OUTPUT_CHARS = 1 << 20;

    @Inject
    InstanceBackend backend;

    @Inject
    ConfigVars configVars;

    @Inject
    QuotaGuard quotas;

    @Inject
    Audit audit;

    @Inject
    dev.gantry.platform.logs.LogStore logs;

    @Inject
    Reconciler reconciler;

    /** What to launch and where, read and checked in one short transaction (the run itself holds none). */
    record Prepared(long appId, LaunchRequest launch, Duration timeout, RunTarget target) {
    }

    Prepared prepare(App app, RunRequest body, String actor) {
        if (body == null || body.command() == null || body.command().isBlank()) {
            throw ApiException.badRequest("Send the command to run, e.g. {\"command\": \"npm run migrate\"}.");
        }
        int timeout = body.timeout() == null ? DEFAULT_TIMEOUT_S : body.timeout();
        if (timeout < 1 || timeout > MAX_TIMEOUT_S) {
            throw ApiException.invalid("timeout must be between 1 and " + MAX_TIMEOUT_S + " seconds, not " + timeout + ".");
        }
        int memoryMb = body.size() == null ? DEFAULT_MEMORY_MB : Resources.parseMemoryMb("size", body.size());
        int millicpus = Math.max(1, memoryMb * 1000 / 1024);
        Release release = Release.current(app).filter(r -> r.image != null).orElseThrow(() -> ApiException.invalid(
                "App '" + app.name + "' has no build yet: push it first (git push paas main), then run commands."));
        quotas.check(app.tenant.id, Usage.NONE, Usage.of(1, memoryMb, millicpus));
        Map<String, String> env = new TreeMap<>(configVars.openSnapshot(app, release.version, release.configSealed));
        env.put("GANTRY_APP", app.name);
        env.put("GANTRY_RELEASE", "v" + release.version);
        String id = "g" + app.id + "-run-" + Long.toHexString(System.nanoTime() & 0xffffffL);
        env.put("DYNO", "run." + id.substring(id.lastIndexOf('-') + 1));
        InstanceLabels labels = new InstanceLabels(InstanceLabels.RUN, app.id, app.tenant.name, app.name, "run", 1,
                release.version, "run", Instant.now());
        LaunchRequest launch = new LaunchRequest(id, labels, release.image, body.command(), env, memoryMb,
                millicpus, app.egress);
        RunTarget target = targetFor(app);
        target.check(launch);
        audit.record(app, "run", "Running `" + body.command() + "` on v" + release.version
                + (app.effectiveBackend() == Backend.KUBERNETES ? " (a Job on Kubernetes)" : ""), actor);
        return new Prepared(app.id, launch, Duration.ofSeconds(timeout), target);
    }

    /** Runs happen where the app's instances run: the engine here, or a Job on the cluster. */
    private RunTarget targetFor(App app) {
        if (app.effectiveBackend() == Backend.KUBERNETES) {
            return reconciler.kubernetesRuns().orElseThrow(() -> new ApiException(422, "backend-unavailable",
                    "App '" + app.name + "' is placed on Kubernetes, but no cluster is configured on this platform."));
        }
        return new LocalRunTarget(backend, reconciler, app.tenant.quota());
    }

    /** Runs it; every line of output goes to {@code output} as it comes. Always removes the container. */
    RunResult run(Prepared p, Consumer<String> output) {
        long started = System.nanoTime();
        StringBuilder collected = new StringBuilder();
        boolean[] truncated = {false};
        Consumer<String> sink = line -> {
            output.accept(line);
            logs.append(p.appId(), "app", p.launch().env().get("DYNO"), line);
            if (collected.length() + line.length() < MAX_OUTPUT_CHARS) {
                collected.append(line).append('\n');
            } else {
                truncated[0] = true;
            }
        };
        String id = p.launch().id();
        RunTarget target = p.target();
        try {
            target.start(p.launch());
            long offset = 0;
            long deadline = started + p.timeout().toNanos();
            Optional<Instance.Exit> exit = Optional.empty();
            while (exit.isEmpty() && System.nanoTime() < deadline) {
                exit = target.awaitExit(id, Duration.ofMillis(100));
                offset = drain(target, id, offset, sink);
            }
            if (exit.isEmpty()) {
                target.stop(id);
                drain(target, id, offset, sink);
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            return new RunResult(id, exit.map(Instance.Exit::code).orElse(null), exit.isEmpty(),
                    exit.map(Instance.Exit::oomKilled).orElse(false), collected.toString(), truncated[0], ms);
        } finally {
            target.remove(id);
        }
    }

    private static long drain(RunTarget target, String id, long offset, Consumer<String> sink) {
        InstanceBackend.LogChunk chunk = target.readLog(id, offset);
        chunk.entries().forEach(e -> sink.accept(e.text()));
        return chunk.nextOffset();
    }

    /** Checks the request and the quota in a short transaction of its own; the run holds none. */
    Prepared prepare(long tenantId, String appName, RunRequest body, String actor) {
        return QuarkusTransaction.requiringNew().call(() -> prepare(App.requireInTenant(
                dev.gantry.platform.tenant.Tenant.findById(tenantId), appName), body, actor));
    }

    static Map<String, Object> exitEvent(RunResult r) {
        Map<String, Object> m = new HashMap<>();
        m.put("exit_code", r.exitCode());
        m.put("timed_out", r.timedOut());
        m.put("oom_killed", r.oomKilled());
        return m;
    }
}
