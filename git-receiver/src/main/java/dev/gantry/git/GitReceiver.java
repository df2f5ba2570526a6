package dev.gantry.git;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
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
    private final DeployPipeline pipeline;
    private final GitReceiverConfig config;
    private final AppLocks locks = new AppLocks();

    public GitReceiver(AppDirectory apps, DeployPipeline pipeline, GitReceiverConfig config) {
        this.apps = apps;
        this.pipeline = pipeline;
        this.config = config;
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
        rp.setPreReceiveHook(new DeployPreReceiveHook(app, pipeline, config, locks));
        return rp;
    }

    /** An UploadPack (clone, fetch) for the app's repository. */
    public UploadPack uploadPack(Repository repo) {
        UploadPack up = new UploadPack(repo);
        up.setTimeout((int) config.ioTimeout().toSeconds());
        return up;
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
