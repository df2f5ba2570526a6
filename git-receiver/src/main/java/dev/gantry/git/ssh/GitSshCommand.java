package dev.gantry.git.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;

import dev.gantry.git.AppRef;
import dev.gantry.git.GitReceiveException;
import dev.gantry.git.GitReceiver;

/**
 * One {@code git-receive-pack '<tenant>/<app>.git'} (or {@code git-upload-pack}) over SSH, run with
 * the same {@link GitReceiver} setup as HTTP, on its own thread because a push blocks for the whole
 * deploy. Failures are written to stderr, which git shows to the user verbatim, with exit code 1.
 */
final class GitSshCommand implements Command {

    private static final System.Logger LOG = System.getLogger(GitSshCommand.class.getName());

    private final String commandLine;
    private final GitReceiver receiver;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private Thread worker;

    GitSshCommand(String commandLine, GitReceiver receiver) {
        this.commandLine = commandLine;
        this.receiver = receiver;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        String tenant = channel.getSession().getAttribute(GitSshServer.TENANT);
        worker = new Thread(() -> run(tenant), "gantry-git-ssh");
        worker.setDaemon(true);
        worker.start();
    }

    private void run(String tenant) {
        int code = 0;
        String message = null;
        try {
            serve(tenant);
        } catch (GitReceiveException e) {
            code = 1;
            message = e.getMessage();
        } catch (IOException | RuntimeException e) {
            code = 1;
            message = "git over SSH failed: " + e.getMessage();
            LOG.log(System.Logger.Level.INFO, "git over SSH failed for '" + commandLine + "'", e);
        } finally {
            if (message != null) {
                try {
                    err.write(("ERROR: " + message + "\n").getBytes(StandardCharsets.UTF_8));
                    err.flush();
                } catch (IOException ignored) {
                    // The client is gone; the exit status is all that is left to send.
                }
            }
            exit.onExit(code, message == null ? "" : message);
        }
    }

    private void serve(String tenant) throws IOException {
        List<String> words = CommandFactory.split(commandLine);
        if (words.size() != 2 || !(words.get(0).equals("git-receive-pack") || words.get(0).equals("git-upload-pack"))) {
            throw new GitReceiveException(GitReceiveException.Code.BAD_REQUEST,
                    "only git push and git fetch are served here (got: " + commandLine + ")");
        }
        AppRef app = parseRepoPath(words.get(1));
        if (tenant == null || !tenant.equals(app.tenant())) {
            throw GitReceiver.notFound(app);
        }
        try (Repository repo = receiver.open(app)) {
            if (words.get(0).equals("git-receive-pack")) {
                ReceivePack rp = receiver.receivePack(repo, app);
                rp.receive(in, out, err);
            } else {
                UploadPack up = receiver.uploadPack(repo);
                up.upload(in, out, err);
            }
        }
    }

    /** {@code /acme/web.git}, {@code acme/web.git} (scp-like URLs) or without {@code .git}. */
    static AppRef parseRepoPath(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.endsWith(".git")) {
            p = p.substring(0, p.length() - 4);
        }
        String[] parts = p.split("/", -1);
        if (parts.length != 2) {
            throw new GitReceiveException(GitReceiveException.Code.BAD_REQUEST,
                    "repository paths are <tenant>/<app>.git, not " + path);
        }
        return new AppRef(parts[0], parts[1]);
    }

    @Override
    public void destroy(ChannelSession channel) {
        // The channel closed (client gone). The deploy thread finishes on its own: interrupting it
        // mid-deploy could leave a half-made release, while the branch only moves once it succeeds.
    }
}
