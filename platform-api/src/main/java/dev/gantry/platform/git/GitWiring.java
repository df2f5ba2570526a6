package dev.gantry.platform.git;

import java.io.IOException;
import java.net.InetSocketAddress;

import dev.gantry.git.DeployHooks;
import dev.gantry.git.GitReceiver;
import dev.gantry.git.GitReceiverConfig;
import dev.gantry.git.StagedDeployPipeline;
import dev.gantry.git.http.GitHttpHandler;
import dev.gantry.git.ssh.GitSshServer;
import dev.gantry.platform.GantryConfig;
import dev.gantry.platform.deploy.Deploys;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Puts git-receiver in the platform: the receiver with the platform's deploy stages, the HTTP handler the
 * servlet uses, and the SSH server on {@code gantry.ssh-port} (2222; negative turns it off, 0 picks a port).
 */
@ApplicationScoped
public class GitWiring {

    private static final Logger LOG = Logger.getLogger(GitWiring.class);

    @Inject
    GantryConfig config;

    @Inject
    GitIdentities identities;

    @Inject
    Deploys deploys;

    private volatile GitSshServer ssh;

    @Produces
    @Singleton
    GitReceiver receiver() {
        return new GitReceiver(identities, new StagedDeployPipeline(DeployHooks.NONE, deploys::build, deploys::release),
                GitReceiverConfig.defaults(config.dataDir().resolve("git-exports")));
    }

    @Produces
    @Singleton
    GitHttpHandler http(GitReceiver receiver) {
        return new GitHttpHandler(receiver, identities, "/git");
    }

    void start(@Observes StartupEvent event, GitReceiver receiver) throws IOException {
        if (config.sshPort() < 0) {
            return;
        }
        ssh = GitSshServer.start(new InetSocketAddress(config.sshPort()), config.dataDir().resolve("ssh"), receiver,
                identities);
        LOG.infof("git over SSH on port %d", ssh.port());
    }

    void stop(@Observes ShutdownEvent event) throws IOException {
        if (ssh != null) {
            ssh.close();
        }
    }

    /** The bound SSH port (tests configure 0). */
    public int sshPort() {
        return ssh == null ? -1 : ssh.port();
    }
}
