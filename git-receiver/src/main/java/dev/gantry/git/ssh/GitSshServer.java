package dev.gantry.git.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

import dev.gantry.git.GitKeyAuthenticator;
import dev.gantry.git.GitReceiveException;
import dev.gantry.git.GitReceiver;

/**
 * git over SSH ({@code ssh://git@<host>:<port>/<tenant>/<app>.git}) with Apache MINA sshd:
 * public-key auth only (through {@link GitKeyAuthenticator}), user name {@code git}, no shell, only
 * {@code git-receive-pack} and {@code git-upload-pack}. The host key is generated once and kept in
 * the given directory, so clients' {@code known_hosts} stay valid across restarts.
 */
public final class GitSshServer implements AutoCloseable {

    /** The tenant the session's verified key belongs to. */
    static final AttributeKey<String> TENANT = new AttributeKey<>();

    private final SshServer sshd;

    private GitSshServer(SshServer sshd) {
        this.sshd = sshd;
    }

    /**
     * Starts listening on {@code address} (port 0 picks a free port).
     *
     * @param hostKeyDir where {@code ssh_host_ecdsa_key} is kept (created if missing)
     */
    public static GitSshServer start(InetSocketAddress address, Path hostKeyDir, GitReceiver receiver,
                                     GitKeyAuthenticator keys) {
        try {
            Files.createDirectories(hostKeyDir);
            SshServer sshd = SshServer.setUpDefaultServer();
            sshd.setHost(address.getHostString());
            sshd.setPort(address.getPort());
            SimpleGeneratorHostKeyProvider hostKey =
                    new SimpleGeneratorHostKeyProvider(hostKeyDir.resolve("ssh_host_ecdsa_key"));
            // ECDSA P-256: the JDK implements it natively (no extra provider), every OpenSSH accepts it.
            hostKey.setAlgorithm(KeyUtils.EC_ALGORITHM);
            hostKey.setKeySize(256);
            sshd.setKeyPairProvider(hostKey);
            sshd.setPasswordAuthenticator(null);
            sshd.setKeyboardInteractiveAuthenticator(null);
            sshd.setGSSAuthenticator(null);
            sshd.setHostBasedAuthenticator(null);
            sshd.setPublickeyAuthenticator((user, key, session) -> {
                Optional<String> tenant = "git".equals(user) ? keys.tenantForKey(key) : Optional.empty();
                // sshd asks once per offered key, then again right before it verifies the signature
                // of the key that finally authenticates; setting (or clearing) the attribute every
                // time means the value left behind is always the verified key's tenant.
                if (tenant.isPresent()) {
                    session.setAttribute(TENANT, tenant.get());
                } else {
                    session.removeAttribute(TENANT);
                }
                return tenant.isPresent();
            });
            sshd.setCommandFactory((channel, command) -> new GitSshCommand(command, receiver));
            sshd.setSubsystemFactories(List.of());
            sshd.start();
            return new GitSshServer(sshd);
        } catch (IOException e) {
            throw new GitReceiveException(GitReceiveException.Code.STORAGE, "cannot start the git SSH server: " + e.getMessage(), e);
        }
    }

    public int port() {
        return sshd.getPort();
    }

    @Override
    public void close() throws IOException {
        sshd.stop(true);
    }
}
