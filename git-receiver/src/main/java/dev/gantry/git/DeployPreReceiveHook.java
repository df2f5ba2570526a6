package dev.gantry.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PreReceiveHook;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;

/**
 * The deploy, run inside git's pre-receive (Dokku's model): branch rules, the per-app lock, tree
 * export, the {@link DeployPipeline}, and finally the branch update itself.
 *
 * <p>Why this hook moves the branch itself instead of leaving it to ReceivePack: the lock must cover
 * the deploy <em>and</em> the ref update, and a push that waited for another deploy carries an old
 * id that is stale by the time it runs. Updating here, under the lock, lets both pushes finish in
 * order; ReceivePack skips commands whose result is already set.
 */
final class DeployPreReceiveHook implements PreReceiveHook {

    static final String MAIN = "refs/heads/main";
    static final String MASTER = "refs/heads/master";
    private static final long STOP_GRACE_MILLIS = 30_000;

    private final AppRef app;
    private final DeployPipeline pipeline;
    private final GitReceiverConfig config;
    private final AppLocks locks;

    DeployPreReceiveHook(AppRef app, DeployPipeline pipeline, GitReceiverConfig config, AppLocks locks) {
        this.app = app;
        this.pipeline = pipeline;
        this.config = config;
        this.locks = locks;
    }

    @Override
    public void onPreReceive(ReceivePack rp, Collection<ReceiveCommand> commands) {
        SidebandProgress progress = new SidebandProgress(rp);
        ReceiveCommand deploy = null;
        for (ReceiveCommand cmd : commands) {
            if (cmd.getResult() != ReceiveCommand.Result.NOT_ATTEMPTED) {
                continue;
            }
            String ref = cmd.getRefName();
            if (!ref.equals(MAIN) && !ref.equals(MASTER)) {
                reject(cmd, progress, "only the main branch deploys (or master); push with `git push <remote> main` or `git push <remote> "
                        + Repository.shortenRefName(ref) + ":main`");
            } else if (cmd.getType() == ReceiveCommand.Type.DELETE) {
                reject(cmd, progress, "deleting the deploy branch " + Repository.shortenRefName(ref) + " is not allowed");
            } else if (deploy != null) {
                reject(cmd, progress, "push one deploy branch at a time (already deploying "
                        + Repository.shortenRefName(deploy.getRefName()) + ")");
            } else {
                deploy = cmd;
            }
        }
        if (deploy != null) {
            deployLocked(rp, deploy, progress);
        }
        progress.close();
    }

    private void deployLocked(ReceivePack rp, ReceiveCommand cmd, SidebandProgress progress) {
        ReentrantLock lock;
        try {
            lock = locks.acquire(app, config.lockWait(), progress);
        } catch (GitReceiveException e) {
            reject(cmd, progress, e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reject(cmd, progress, "interrupted while waiting for the deploy lock");
            return;
        }
        Path source = null;
        try {
            Repository repo = rp.getRepository();
            Ref current = repo.exactRef(cmd.getRefName());
            ObjectId currentId = current == null ? null : current.getObjectId();
            if (cmd.getNewId().equals(currentId)) {
                // Another push deployed this very commit while we waited.
                progress.line("Nothing new: " + cmd.getNewId().abbreviate(7).name() + " is already deployed.");
                cmd.setResult(ReceiveCommand.Result.OK);
                return;
            }
            if (currentId != null && !currentId.equals(cmd.getOldId())) {
                progress.line(Repository.shortenRefName(cmd.getRefName()) + " moved to "
                        + currentId.abbreviate(7).name() + " while you waited; your push replaces it.");
            }
            String shortId = cmd.getNewId().abbreviate(7).name();
            progress.line("-----> Deploying " + app + " at " + shortId);
            Files.createDirectories(config.exportRoot());
            source = Files.createTempDirectory(config.exportRoot(), app.tenant() + "-" + app.app() + "-");
            int files = TreeExporter.export(repo, cmd.getNewId(), source, progress);
            progress.line("-----> Exported " + files + " files");
            DeployRequest request = new DeployRequest(app, Repository.shortenRefName(cmd.getRefName()),
                    Optional.ofNullable(currentId).map(ObjectId::name), cmd.getNewId().name(), source, progress);
            DeployResult result = runPipeline(request);
            if (!result.succeeded()) {
                reject(cmd, progress, result.reason());
                return;
            }
            updateRef(rp, cmd, currentId);
            if (cmd.getResult() == ReceiveCommand.Result.OK) {
                progress.line("=====> Deployed " + shortId + result.url().map(u -> " to " + u).orElse(""));
            }
        } catch (GitReceiveException e) {
            reject(cmd, progress, e.getMessage());
        } catch (IOException e) {
            reject(cmd, progress, "storage error: " + e.getMessage());
        } finally {
            TreeExporter.deleteRecursively(source);
            lock.unlock();
        }
    }

    /** Runs the pipeline on its own thread so the deploy time limit can interrupt them. */
    private DeployResult runPipeline(DeployRequest request) {
        FutureTask<DeployResult> task = new FutureTask<>(() -> pipeline.deploy(request));
        Thread worker = new Thread(task, "gantry-deploy-" + app.tenant() + "-" + app.app());
        worker.setDaemon(true);
        worker.start();
        try {
            DeployResult result = task.get(config.deployTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return result == null ? DeployResult.failure("the deploy pipeline returned no result") : result;
        } catch (TimeoutException e) {
            task.cancel(true);
            awaitStop(worker);
            return DeployResult.failure("deploy exceeded the time limit of " + config.deployTimeout().toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return DeployResult.failure(message);
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
    private void awaitStop(Thread worker) {
        try {
            worker.join(STOP_GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            System.getLogger(DeployPreReceiveHook.class.getName()).log(System.Logger.Level.WARNING,
                    "deploy pipeline of " + app + " ignores interruption; releasing the app lock anyway");
        }
    }

    private static void updateRef(ReceivePack rp, ReceiveCommand cmd, ObjectId currentId) throws IOException {
        RefUpdate update = rp.getRepository().updateRef(cmd.getRefName());
        update.setNewObjectId(cmd.getNewId());
        update.setExpectedOldObjectId(currentId == null ? ObjectId.zeroId() : currentId);
        // Force: a force push is a deploy like any other, and a push that waited may not descend
        // from what was deployed meanwhile. Serialised by the app lock, the last push wins.
        update.setForceUpdate(true);
        update.setRefLogMessage("push: deploy", true);
        RefUpdate.Result result = update.update(rp.getRevWalk());
        switch (result) {
            case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> {
                cmd.setResult(ReceiveCommand.Result.OK);
                pointHeadAtDeployBranch(rp.getRepository(), cmd.getRefName());
            }
            default -> cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON,
                    "deployed, but the branch could not be updated: " + result);
        }
    }

    /** An app that deploys from master gets HEAD on master, so that clones check out the deployed code. */
    private static void pointHeadAtDeployBranch(Repository repo, String ref) throws IOException {
        Ref head = repo.exactRef("HEAD");
        boolean dangling = head == null || head.getObjectId() == null;
        if (dangling && repo.exactRef(ref) != null) {
            repo.updateRef("HEAD").link(ref);
        }
    }

    private static void reject(ReceiveCommand cmd, ProgressSink progress, String reason) {
        progress.line(" !     " + reason);
        cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, reason);
    }
}
