package dev.gantry.platform.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.gantry.git.DeployRequest;
import dev.gantry.git.DeployResult;
import dev.gantry.platform.GantryConfig;
import dev.gantry.platform.api.ApiException;
import dev.gantry.platform.app.App;
import dev.gantry.platform.app.AppUrls;
import dev.gantry.platform.auth.Caller;
import dev.gantry.platform.build.AppBuilder;
import dev.gantry.platform.build.Build;
import dev.gantry.platform.config.ConfigVars;
import dev.gantry.platform.event.Audit;
import dev.gantry.platform.formation.Formation;
import dev.gantry.platform.logs.LogStore;
import dev.gantry.platform.quota.Quota;
import dev.gantry.platform.quota.QuotaGuard;
import dev.gantry.platform.quota.Usage;
import dev.gantry.platform.reconcile.Reconciler;
import dev.gantry.platform.reconcile.Rollouts;
import dev.gantry.platform.release.Release;
import dev.gantry.platform.release.Releases;
import dev.gantry.platform.tenant.Tenant;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The platform's two stages of a git push: build (buildpacks → image, recorded as a build) and release (a new
 * release with that image, rolled out with zero downtime; the push ends when every instance is up, or fails
 * and the previous release keeps serving). Each line the pusher sees also goes to the app's log stream.
 */
@ApplicationScoped
public class Deploys {

    /** Who made a release from a push; the pusher's token is not known past authentication. */
    private static final String PUSH = "git push";

    @Inject
    AppBuilder builder;

    @Inject
    Releases releases;

    @Inject
    ConfigVars configVars;

    @Inject
    QuotaGuard quotas;

    @Inject
    Audit audit;

    @Inject
    Reconciler reconciler;

    @Inject
    LogStore logs;

    @Inject
    AppUrls urls;

    @Inject
    GantryConfig config;

    /** The build stage's image for the release stage, per push. */
    private final Map<DeployRequest, Built> built = new ConcurrentHashMap<>();

    private record Built(long buildId, AppBuilder.Output output) {
    }

    private record Target(long appId, long tenantId, Map<String, String> config, Quota quota) {
    }

    public DeployResult build(DeployRequest request) throws InterruptedException {
        Target target = target(request);
        long buildId = QuarkusTransaction.requiringNew().call(() -> {
            Build b = new Build();
            b.app = App.findById(target.appId());
            b.status = "building";
            b.sourceCommit = request.newCommit();
            b.startedAt = Instant.now();
            b.persist();
            return b.id;
        });
        reconciler.limitTenant(request.app().tenant(), target.quota()); // the build runs inside the tenant's budget
        say(request, target.appId(), "build", "-----> Building " + request.newCommit().substring(0, 7) + " of "
                + request.app() + " (build " + buildId + ")");
        try {
            AppBuilder.Output output = builder.build(new AppBuilder.Input(target.appId(), request.app().tenant(),
                    request.app().app(), request.sourceDir(), target.config()),
                    line -> say(request, target.appId(), "build", line));
            finishBuild(buildId, "succeeded", output, null);
            built.put(request, new Built(buildId, output));
            return DeployResult.success(urls.webUrl(request.app().tenant(), request.app().app()));
        } catch (AppBuilder.BuildFailure e) {
            finishBuild(buildId, "failed", null, e.getMessage());
            say(request, target.appId(), "build", " !     Build failed: " + e.getMessage());
            return DeployResult.failure("build failed: " + e.getMessage());
        }
    }

    public DeployResult release(DeployRequest request) {
        Built b = built.remove(request);
        if (b == null) {
            return DeployResult.failure("nothing was built");
        }
        Target target = target(request);
        String shortSha = request.newCommit().substring(0, 7);
        Release release;
        try {
            release = QuarkusTransaction.requiringNew().call(() -> {
                App app = App.findById(target.appId());
                startWebIfNothingRuns(app, b.output());
                Release r = releases.create(app, b.output().image(), "Deploy " + shortSha, new Caller(null, app.tenant,
                        PUSH));
                Build build = Build.findById(b.buildId());
                build.releaseVersion = r.version;
                return r;
            });
        } catch (ApiException e) {
            return DeployResult.failure(e.getMessage());
        }
        int version = release.version;
        say(request, target.appId(), "gantry", "-----> Releasing v" + version + " (" + b.output().buildpacks() + ")");
        String fingerprint = reconciler.fingerprintOf(target.appId());
        say(request, target.appId(), "gantry", "-----> Starting instances and waiting for their health checks...");
        Duration wait = config.instances().bootTimeout().plus(config.instances().stopGrace()).plusSeconds(30);
        Rollouts.Outcome outcome = reconciler.awaitRollout(target.appId(), fingerprint, wait);
        if (outcome.ok()) {
            say(request, target.appId(), "gantry", "-----> v" + version + " is live");
            return DeployResult.success(urls.webUrl(request.app().tenant(), request.app().app()));
        }
        revertIfStillCurrent(target.appId(), version, outcome.message());
        say(request, target.appId(), "gantry", " !     " + outcome.message());
        return DeployResult.failure("deploy of v" + version + " failed: " + outcome.message());
    }

    /**
     * Heroku's rule: the first build with a web process type gets one web instance; an app whose formation
     * already says something keeps it.
     */
    private void startWebIfNothingRuns(App app, AppBuilder.Output output) {
        if (!Formation.ofApp(app).isEmpty() || !output.processTypes().containsKey("web")) {
            return;
        }
        Formation f = Formation.newOf(app, "web", 1);
        quotas.check(app.tenant.id, Usage.NONE, f.usage());
        f.persist();
        audit.record(app, "scale", "Scaled web=1 (the first build has a web process)", PUSH);
    }

    /** A failed rollout leaves the previous release serving; unless the reconciler already rolled back, do so. */
    private void revertIfStillCurrent(long appId, int failedVersion, String why) {
        QuarkusTransaction.requiringNew().run(() -> {
            App app = App.findById(appId);
            Release current = Release.current(app).orElseThrow();
            if (current.version != failedVersion) {
                return;
            }
            Release previous = Release.find(app, failedVersion - 1).orElse(null);
            if (previous != null) {
                releases.revertCode(app, previous.version, "v" + failedVersion + " failed: " + why,
                        new Caller(null, app.tenant, "gantry"));
            }
        });
    }

    private Target target(DeployRequest request) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Tenant t = Tenant.findByName(request.app().tenant()).orElseThrow(() -> new IllegalStateException(
                    "tenant " + request.app().tenant() + " vanished during the push"));
            App app = App.requireInTenant(t, request.app().app());
            return new Target(app.id, t.id, configVars.of(app), t.quota());
        });
    }

    private void finishBuild(long buildId, String status, AppBuilder.Output output, String error) {
        QuarkusTransaction.requiringNew().run(() -> {
            Build b = Build.findById(buildId);
            b.status = status;
            b.finishedAt = Instant.now();
            b.error = error;
            if (output != null) {
                b.image = output.image();
                b.buildpacks = output.buildpacks();
            }
        });
    }

    private void say(DeployRequest request, long appId, String source, String line) {
        request.progress().line(line);
        logs.append(appId, source, "", line);
    }
}
