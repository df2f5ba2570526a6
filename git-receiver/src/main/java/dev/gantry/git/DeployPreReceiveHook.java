package dev.gantry.git;

import java.io.IOException;
import java.util.Collection;
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

    private final AppRef app;
    private final Deployer deployer;

    DeployPreReceiveHook(AppRef app, Deployer deployer) {
        this.app = app;
        this.deployer = deployer;
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
            lock = deployer.lock(app, progress);
        } catch (GitReceiveException e) {
            reject(cmd, progress, e.getMessage());
            return;
        }
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
            DeployResult result = deployer.deploy(repo, app, Repository.shortenRefName(cmd.getRefName()),
                    currentId, cmd.getNewId(), progress);
            if (!result.succeeded()) {
                reject(cmd, progress, result.reason());
                return;
            }
            updateRef(rp, cmd, currentId);
            if (cmd.getResult() == ReceiveCommand.Result.OK) {
                progress.line("=====> Deployed " + cmd.getNewId().abbreviate(7).name() + result.url().map(u -> " to " + u).orElse(""));
            }
        } catch (GitReceiveException e) {
            reject(cmd, progress, e.getMessage());
        } catch (IOException e) {
            reject(cmd, progress, "storage error: " + e.getMessage());
        } finally {
            lock.unlock();
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
