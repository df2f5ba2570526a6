package dev.gantry.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;

/**
 * The transport-neutral core (JGit's ReceivePackFactory idea): opens an app's bare repository and
 * makes the ReceivePack and UploadPack that HTTP and SSH both use, so limits, fsck, branch rules,
 * the deploy lock and the pipeline are set up in exactly one place. Authentication is the
 * transports' job; callers pass an {@link AppRef} whose tenant they already verified.
 */
public final class GitReceiver {

    private final AppDirectory apps;
    private final GitReceiverConfig config;
    private final Deployer deployer;

    public GitReceiver(AppDirectory apps, DeployPipeline pipeline, GitReceiverConfig config) {
        this.apps = apps;
        this.config = config;
        this.deployer = new Deployer(pipeline, config);
    }

    public GitReceiverConfig config() {
        return config;
    }

    /**
     * Opens the app's bare repository, creating it on first use with HEAD at {@code refs/heads/main}.
     * The caller closes it.
     *
     * @throws GitReceiveException NOT_FOUND when the tenant has no such app (also for another
     *                             tenant's app: the message never says which), STORAGE on I/O errors
     */
    public Repository open(AppRef app) {
        Path dir = apps.repository(app).orElseThrow(() -> notFound(app));
        try {
            if (!Files.isRegularFile(dir.resolve("HEAD"))) {
                create(dir);
            }
            return new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
        } catch (IOException e) {
            throw new GitReceiveException(GitReceiveException.Code.STORAGE,
                    "cannot open the repository of " + app + ": " + e.getMessage(), e);
        }
    }

    /** A ReceivePack with Gantry's rules and deploy; the caller sets bidirectional mode and runs it. */
    public ReceivePack receivePack(Repository repo, AppRef app) {
        ReceivePack rp = new ReceivePack(repo);
        rp.setMaxPackSizeLimit(config.maxPackBytes());
        rp.setCheckReceivedObjects(true);
        rp.setCheckReferencedObjectsAreReachable(true);
        rp.setAllowNonFastForwards(true);
        rp.setAllowCreates(true);
        // Deletes reach pre-receive only when allowed; the hook then refuses them with a clear reason.
        rp.setAllowDeletes(true);
        rp.setAllowBranchDeletes(true);
        rp.setAtomic(false);
        rp.setTimeout((int) config.ioTimeout().toSeconds());
        rp.setPreReceiveHook(new DeployPreReceiveHook(app, deployer));
        return rp;
    }

    /** An UploadPack (clone, fetch) for the app's repository. */
    public UploadPack uploadPack(Repository repo) {
        UploadPack up = new UploadPack(repo);
        up.setTimeout((int) config.ioTimeout().toSeconds());
        return up;
    }

    /**
     * Deploys the deploy branch's current commit again (a rebuild, e.g. {@code POST /api/apps/{app}/builds}),
     * with the same lock, export, pipeline and time limit as a push. The branch does not move.
     *
     * @throws GitReceiveException NOT_FOUND for an unknown app, REJECTED when nothing was pushed yet
     *                             or the lock wait times out
     */
    public DeployResult redeploy(AppRef app, ProgressSink progress) {
        try (Repository repo = open(app)) {
            Ref branch = Optional.ofNullable(repo.exactRef("refs/heads/main"))
                    .or(() -> Optional.ofNullable(exactRef(repo, "refs/heads/master")))
                    .orElseThrow(() -> new GitReceiveException(GitReceiveException.Code.REJECTED,
                            "nothing to redeploy: " + app + " has no pushed code yet"));
            ReentrantLock lock = deployer.lock(app, progress);
            try {
                Ref current = repo.exactRef(branch.getName()); // may have moved while we waited
                return deployer.deploy(repo, app, Repository.shortenRefName(current.getName()),
                        current.getObjectId(), current.getObjectId(), progress);
            } finally {
                lock.unlock();
            }
        } catch (IOException e) {
            throw new GitReceiveException(GitReceiveException.Code.STORAGE, "redeploy of " + app + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code action} holding the app's deploy lock, so platform-side changes that must not
     * overlap a deploy (a rollback, a release made by a config change) wait for a running push and
     * vice versa.
     */
    public <T> T withDeployLock(AppRef app, ProgressSink progress, Callable<T> action) throws Exception {
        ReentrantLock lock = deployer.lock(app, progress);
        try {
            return action.call();
        } finally {
            lock.unlock();
        }
    }

    private static Ref exactRef(Repository repo, String name) {
        try {
            return repo.exactRef(name);
        } catch (IOException e) {
            throw new GitReceiveException(GitReceiveException.Code.STORAGE, "cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /** The refusal for a missing app and for another tenant's app alike, so neither reveals which it is. */
    public static GitReceiveException notFound(AppRef app) {
        return new GitReceiveException(GitReceiveException.Code.NOT_FOUND,
                "no app '" + app.app() + "' in tenant '" + app.tenant() + "' for these credentials"
                        + " (create it with POST /api/apps)");
    }

    // Synchronised because two first pushes to one new app may race to create it.
    private static synchronized void create(Path dir) throws IOException {
        if (Files.isRegularFile(dir.resolve("HEAD"))) {
            return;
        }
        // HEAD must name main (git's own default may still be master): clone checks out what HEAD names.
        try {
            Git.init().setBare(true).setInitialBranch("main").setDirectory(dir.toFile()).call().close();
        } catch (GitAPIException e) {
            throw new IOException("git init failed: " + e.getMessage(), e);
        }
    }
}
