package dev.gantry.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * One deploy of one commit, shared by pushes and API-driven redeploys: export the tree, run the
 * {@link DeployPipeline} under the time limit, clean up. The caller holds the app's lock
 * ({@link #lock}) around this and decides what a success means (a push moves its branch).
 */
final class Deployer {

    private static final System.Logger LOG = System.getLogger(Deployer.class.getName());
    private static final long STOP_GRACE_MILLIS = 30_000;

    private final DeployPipeline pipeline;
    private final GitReceiverConfig config;
    private final AppLocks locks = new AppLocks();

    Deployer(DeployPipeline pipeline, GitReceiverConfig config) {
        this.pipeline = pipeline;
        this.config = config;
    }

    /** Takes the app's deploy lock (telling {@code progress} when it waits); the caller unlocks. */
    ReentrantLock lock(AppRef app, ProgressSink progress) {
        try {
            return locks.acquire(app, config.lockWait(), progress);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitReceiveException(GitReceiveException.Code.REJECTED, "interrupted while waiting for the deploy lock");
        }
    }

    /** Exports {@code newId} and runs the pipeline; never throws for a failed deploy, returns the failure. */
    DeployResult deploy(Repository repo, AppRef app, String branch, ObjectId oldId, ObjectId newId,
                        ProgressSink progress) throws IOException {
        progress.line("-----> Deploying " + app + " at " + newId.abbreviate(7).name());
        Path source = null;
        try {
            Files.createDirectories(config.exportRoot());
            source = Files.createTempDirectory(config.exportRoot(), app.tenant() + "-" + app.app() + "-");
            int files = TreeExporter.export(repo, newId, source, progress);
            progress.line("-----> Exported " + files + " files");
            DeployRequest request = new DeployRequest(app, branch, Optional.ofNullable(oldId).map(ObjectId::name),
                    newId.name(), source, progress);
            return runPipeline(request);
        } finally {
            TreeExporter.deleteRecursively(source);
        }
    }

    /** Runs the pipeline on its own thread so the deploy time limit can interrupt it. */
    private DeployResult runPipeline(DeployRequest request) {
        FutureTask<DeployResult> task = new FutureTask<>(() -> pipeline.deploy(request));
        Thread worker = new Thread(task, "gantry-deploy-" + request.app().tenant() + "-" + request.app().app());
        worker.setDaemon(true);
        worker.start();
        try {
            DeployResult result = task.get(config.deployTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return result == null ? DeployResult.failure("the deploy pipeline returned no result") : result;
        } catch (TimeoutException e) {
            task.cancel(true);
            awaitStop(worker, request.app());
            return DeployResult.failure("deploy exceeded the time limit of " + config.deployTimeout().toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return DeployResult.failure(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            return DeployResult.failure("deploy interrupted");
        }
    }

    /**
     * Gives an interrupted pipeline a grace period to stop, still under the app lock, so the next
     * deploy of this app does not overlap with a build that is winding down.
     */
    private static void awaitStop(Thread worker, AppRef app) {
        try {
            worker.join(STOP_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "deploy pipeline of " + app + " ignores interruption; releasing the app lock anyway");
        }
    }
}
